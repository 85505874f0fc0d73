package io.nundb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the perf bench reads from /proc: the machine's load, a process's resident memory and fd limit. */
final class ProcInfo {

    private ProcInfo() {}

    /** The 1, 5 and 15 minute load averages (other work on the machine skews every figure). */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException unavailable) {
            return "unknown";
        }
    }

    /** VmRSS of a process in KiB, from /proc/<pid>/status; -1 if unknown. */
    static long rssKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            // gone or not Linux
        }
        return -1;
    }

    /** The soft "Max open files" limit of a process; -1 if unknown. */
    static long maxOpenFiles(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f =
                            line.substring("Max open files".length()).strip().split("\\s+");
                    return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            // gone or not Linux
        }
        return -1;
    }
}
