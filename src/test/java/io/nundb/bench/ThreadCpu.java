package io.nundb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a server process spends its CPU, by thread role: CPU ticks and context switches of its
 * threads (from /proc/&lt;pid&gt;/task/*), grouped by name without the trailing number
 * ({@code nundb-raft-127.0.0.1:3016} and {@code reactor-tcp-epoll-3} alike lose their tails), and
 * the process's read/write system calls (/proc/&lt;pid&gt;/io). Counts, not timings: a busy machine
 * makes every figure of a run slower, but barely changes how many hand-offs and system calls a
 * replicated write takes. Linux only; elsewhere every snapshot is empty.
 */
final class ThreadCpu {

    /** One process's counters at one moment. */
    record Snapshot(Map<String, long[]> byRole, long readCalls, long writeCalls) {}

    private ThreadCpu() {}

    static Snapshot take(long pid) {
        Map<String, long[]> byRole = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    long switches = statusField(task, "voluntary_ctxt_switches:")
                            + statusField(task, "nonvoluntary_ctxt_switches:");
                    long[] sum = byRole.computeIfAbsent(role(name), r -> new long[2]);
                    sum[0] += ticks;
                    sum[1] += switches;
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            return new Snapshot(Map.of(), -1, -1);
        }
        long reads = -1;
        long writes = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
                if (line.startsWith("syscr:")) {
                    reads = Long.parseLong(line.substring(6).strip());
                } else if (line.startsWith("syscw:")) {
                    writes = Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            // not readable here
        }
        return new Snapshot(byRole, reads, writes);
    }

    /** The thread name without its instance number or node id: threads of one role add up. */
    static String role(String threadName) {
        String n = threadName.replaceFirst("-\\d+\\.\\d+\\.\\d+\\.\\d+(:\\d*)?$", "");
        n = n.replaceFirst("-\\d+\\.\\d*$", "");
        return n.replaceFirst("[-#\\s]?\\d+$", "");
    }

    /**
     * The roles that used at least 3 % of the process's CPU between two snapshots, in µs per write,
     * then context switches and write system calls per write.
     */
    static String describe(Snapshot before, Snapshot after, double writes) {
        if (after.byRole().isEmpty() || writes <= 0) {
            return "unknown";
        }
        long total = 0;
        List<Map.Entry<String, long[]>> deltas = new ArrayList<>();
        long switches = 0;
        for (Map.Entry<String, long[]> e : after.byRole().entrySet()) {
            long[] was = before.byRole().getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            total += d[0];
            switches += d[1];
            deltas.add(Map.entry(e.getKey(), d));
        }
        deltas.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, long[]> e : deltas) {
            long ticks = e.getValue()[0];
            if (ticks * 100 < total * 3) {
                break;
            }
            b.append(String.format("%s %.1f µs, ", e.getKey(), ticks * 1e4 / writes)); // a tick is 10 ms
        }
        b.append(String.format("%.2f context switches", switches / writes));
        if (before.writeCalls() >= 0 && after.writeCalls() >= 0) {
            b.append(String.format(", %.2f write calls", (after.writeCalls() - before.writeCalls()) / writes));
        }
        return b.append(" per write").toString();
    }

    private static long statusField(Path task, String field) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).strip());
            }
        }
        return 0;
    }
}
