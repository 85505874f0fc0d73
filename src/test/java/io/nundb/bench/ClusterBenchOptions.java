package io.nundb.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster bench's settings, all from {@code -Dcluster.*} system properties (docs/benchmarks.md).
 *
 * @param phases which phases run: {@code failover}, {@code throughput}, {@code notify} ({@code cluster.phases})
 * @param modes the ack modes the failover phase measures ({@code cluster.modes}, default {@code lazy,majority})
 * @param trials failover trials per mode ({@code cluster.trials}, default 20)
 * @param writeIntervalMillis one failover write per this many ms to each surviving node ({@code cluster.writeInterval})
 * @param writerThreads connections per surviving node taking turns at those writes ({@code cluster.writerThreads})
 * @param rounds throughput rounds; each round runs single, lazy, majority in turn ({@code cluster.rounds})
 * @param warmup unmeasured time before each throughput and notify run ({@code cluster.warmup}, seconds)
 * @param firstWarmup unmeasured time before each setup's first throughput run, at least {@code warmup}
 *     ({@code cluster.firstWarmup}, seconds, default 15): fresh servers spend their first seconds
 *     compiling, three cluster JVMs on two cores far longer than one
 * @param duration measured time of each throughput run ({@code cluster.duration}, seconds)
 * @param connections throughput connections ({@code cluster.connections})
 * @param pipeline writes each throughput connection keeps in flight ({@code cluster.pipeline}, default 1)
 * @param keys distinct keys the throughput connections cycle through ({@code cluster.keys})
 * @param valueSize bytes per throughput value ({@code cluster.valueSize})
 * @param notifyWrites measured writes of the paced notify run ({@code cluster.notifyWrites})
 * @param rate writes per second of the paced notify run ({@code cluster.rate})
 * @param serverJvm the server processes' JVM options ({@code cluster.serverJvm}, space separated)
 */
record ClusterBenchOptions(
        List<String> phases,
        List<String> modes,
        int trials,
        long writeIntervalMillis,
        int writerThreads,
        int rounds,
        Duration warmup,
        Duration firstWarmup,
        Duration duration,
        int connections,
        int pipeline,
        int keys,
        int valueSize,
        int notifyWrites,
        int rate,
        List<String> serverJvm) {

    static ClusterBenchOptions fromSystemProperties() {
        ClusterBenchOptions o = new ClusterBenchOptions(
                list(System.getProperty("cluster.phases", "failover,throughput,notify"), ","),
                list(System.getProperty("cluster.modes", "lazy,majority"), ","),
                Smoke.integer("cluster.trials", 20, 1),
                Long.getLong("cluster.writeInterval", 5),
                Integer.getInteger("cluster.writerThreads", 4),
                Smoke.integer("cluster.rounds", 3, 1),
                seconds(Smoke.number("cluster.warmup", 3, 1)),
                seconds(Smoke.number("cluster.firstWarmup", 15, 1)),
                seconds(Smoke.number("cluster.duration", 10, 1)),
                Smoke.integer("cluster.connections", 50, 4),
                Integer.getInteger("cluster.pipeline", 1),
                Smoke.integer("cluster.keys", 50_000, 1_000),
                Integer.getInteger("cluster.valueSize", 16),
                Smoke.integer("cluster.notifyWrites", 5_000, 200),
                Integer.getInteger("cluster.rate", 1_000),
                Smoke.jvm(list(System.getProperty("cluster.serverJvm", "-Xmx512m -XX:+UseSerialGC"), " ")));
        return o.validated();
    }

    private ClusterBenchOptions validated() {
        for (String p : phases) {
            if (!List.of("failover", "throughput", "notify").contains(p)) {
                throw new IllegalArgumentException("cluster.phases: failover, throughput, notify; got " + p);
            }
        }
        for (String m : modes) {
            if (!m.equals("lazy") && !m.equals("majority")) {
                throw new IllegalArgumentException("cluster.modes: lazy, majority; got " + m);
            }
        }
        if (trials < 1
                || writeIntervalMillis < 1
                || writerThreads < 1
                || rounds < 1
                || connections < 1
                || pipeline < 1
                || keys < connections
                || valueSize < 1
                || notifyWrites < 1
                || rate < 1
                || duration.isZero()
                || duration.isNegative()
                || warmup.isNegative()) {
            throw new IllegalArgumentException("cluster.* counts and times must be positive (and keys ≥ connections)");
        }
        return this;
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** Measured time of the paced notify run. */
    Duration notifyDuration() {
        return Duration.ofMillis(Math.max(1, 1000L * notifyWrites / rate));
    }

    private static List<String> list(String text, String separator) {
        return Arrays.stream(text.split(separator))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(1000 * seconds));
    }
}
