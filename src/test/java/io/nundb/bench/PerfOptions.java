package io.nundb.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The perf bench's settings, from {@code -Dperf.*} system properties (docs/benchmarks.md). {@code
 * perf.quick=true} shortens every duration and count to check that each phase works; any property
 * given explicitly wins over the quick default. Under the smoke switch ({@link Smoke}) explicit
 * durations and counts are capped at the smoke values.
 */
record PerfOptions(
        Set<String> phases,
        boolean quick,
        int rounds,
        double warmup,
        double duration,
        double serverWarmup,
        double notifySeconds,
        double notifySlowSeconds,
        int connections,
        int pipeline,
        int keys,
        int valueSize,
        List<Integer> fanout,
        int fanoutWrites,
        int fanoutPauseMillis,
        int idleConnections,
        int idleLarge,
        double idleSettle,
        String redis,
        String jar,
        String dockerfile,
        List<String> serverJvm,
        List<String> loadgenJvm,
        boolean keep) {

    static final List<String> ALL_PHASES = List.of("idle", "set", "get", "notify", "fanout", "cluster");

    static PerfOptions fromSystemProperties() {
        // the smoke switch (Smoke) is quick mode with fewer connections, keys, watchers and writes,
        // explicit durations and counts capped
        boolean smoke = Smoke.on();
        boolean quick = Boolean.getBoolean("perf.quick") || smoke;
        String phases = System.getProperty("perf.phases", String.join(",", ALL_PHASES));
        Set<String> selected = Set.copyOf(Arrays.stream(phases.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList());
        for (String p : selected) {
            if (!ALL_PHASES.contains(p)) {
                throw new IllegalArgumentException("perf.phases: unknown phase '" + p + "'; known: " + ALL_PHASES);
            }
        }
        PerfOptions o = new PerfOptions(
                selected,
                quick,
                Smoke.integer("perf.rounds", quick ? 1 : 3, 1),
                Smoke.number("perf.warmup", quick ? 0.5 : 2, 0.3),
                Smoke.number("perf.duration", quick ? 2 : 10, 1),
                Smoke.number("perf.serverWarmup", quick ? 1 : 5, 0.5),
                Smoke.number("perf.notifySeconds", quick ? 3 : 20, 1),
                Smoke.number("perf.notifySlowSeconds", quick ? 5 : 60, 1),
                Smoke.integer("perf.connections", 50, 4),
                Integer.getInteger("perf.pipeline", 16),
                Smoke.integer("perf.keys", 1000, 100),
                Integer.getInteger("perf.valueSize", 32),
                Smoke.integers("perf.fanout", "1000,10000", "10,100"),
                Smoke.integer("perf.fanoutWrites", quick ? 20 : 200, 5),
                Integer.getInteger("perf.fanoutPause", 20),
                Smoke.integer("perf.idle", 10_000, 100),
                Smoke.integer("perf.idleLarge", 50_000, 200),
                Smoke.number("perf.idleSettle", quick ? 1 : 3, 0.5),
                System.getProperty("perf.redis", "redis-server"),
                System.getProperty("perf.jar", ""),
                System.getProperty("perf.dockerfile", "Dockerfile"),
                // Up to seven server JVMs run at once (single node, two 3-node clusters): the image's
                // MaxRAMPercentage=75 assumes a container of its own, so each gets an explicit heap.
                Smoke.jvm(words(System.getProperty("perf.serverJvm", smoke ? "-Xmx256m" : "-Xmx2g"))),
                Smoke.jvm(words(System.getProperty("perf.loadgenJvm", "-Xms256m -Xmx1g -XX:+UseSerialGC"))),
                Boolean.getBoolean("perf.keep"));
        if (o.rounds < 1 || o.duration <= 0 || o.connections < 1 || o.pipeline < 1 || o.keys < 1) {
            throw new IllegalArgumentException("perf.rounds, perf.duration, perf.connections, perf.pipeline and"
                    + " perf.keys must be positive: " + o);
        }
        return o;
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.strip().split(" +")).filter(w -> !w.isEmpty()).toList();
    }
}
