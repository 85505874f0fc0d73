package io.nundb.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU budget around a run: this JVM's own CPU (the load generator's) and the whole machine's
 * busy and total time (/proc/stat), so that a throughput ratio between setups can be read against
 * what the cores had left. Linux only for the machine's share; elsewhere it reads as unknown.
 *
 * @param selfNanos this process's CPU time
 * @param busyTicks the machine's non-idle time, all cores (USER_HZ ticks)
 * @param totalTicks the machine's time, all cores, idle included
 */
record MachineCpu(long selfNanos, long busyTicks, long totalTicks) {

    static MachineCpu now() {
        long self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user … steal; guest time is inside user
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle, iowait
            return new MachineCpu(self, total - idle, total);
        } catch (IOException | RuntimeException unavailable) {
            return new MachineCpu(self, -1, -1);
        }
    }

    /**
     * "load generator 11 µs/write; machine 96 % busy (of 2 cores)" between {@code before} and this.
     */
    String since(MachineCpu before, double writes, int cores) {
        String self = String.format("load generator %.0f µs/write", (selfNanos - before.selfNanos) / 1e3 / writes);
        if (busyTicks < 0 || before.busyTicks < 0 || totalTicks <= before.totalTicks) {
            return self + "; machine busy unknown";
        }
        double busy = 100.0 * (busyTicks - before.busyTicks) / (totalTicks - before.totalTicks);
        return String.format("%s; machine %.0f %% busy (of %d cores)", self, busy, cores);
    }
}
