package io.nundb.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * Settings, from system properties ({@code -Dbench.duration=10} …). The defaults finish the
 * whole program in about a minute and a half.
 *
 * @param duration measured seconds of each phase ({@code bench.duration}, default 5)
 * @param warmup unmeasured seconds before each phase, and of each half of the warm-up round
 *     ({@code bench.warmup}, default 1)
 * @param rounds times each phase runs per server, alternating servers; the median is reported
 *     ({@code bench.rounds}, default 1)
 * @param rate writes per second of the paced latency phase ({@code bench.rate}, default 1000)
 * @param connections connections of the throughput phases ({@code bench.connections}, default 50)
 * @param pipeline commands in flight per connection when pipelining ({@code bench.pipeline}, 16)
 * @param keys distinct keys of the throughput phases ({@code bench.keys}, default 1000)
 * @param valueSize bytes per value of the throughput phases ({@code bench.valueSize}, default 32)
 * @param redis redis-server executable, a name on the PATH or a path; {@code none} skips Redis
 *     ({@code bench.redis}, default {@code redis-server})
 * @param only runs only the phases whose title contains this text, case-insensitive, e.g.
 *     {@code "SET, 50 conns, pipeline"} when profiling ({@code bench.only}, default: all)
 */
record BenchOptions(
        Duration duration,
        Duration warmup,
        int rounds,
        int rate,
        int connections,
        int pipeline,
        int keys,
        int valueSize,
        String redis,
        String only) {

    static BenchOptions fromSystemProperties() {
        return new BenchOptions(
                Duration.ofMillis(Math.round(1000 * Smoke.number("bench.duration", 5, 1))),
                Duration.ofMillis(Math.round(1000 * Smoke.number("bench.warmup", 1, 0.3))),
                Math.max(1, Smoke.integer("bench.rounds", 1, 1)),
                Integer.getInteger("bench.rate", 1000),
                Smoke.integer("bench.connections", 50, 4),
                Integer.getInteger("bench.pipeline", 16),
                Smoke.integer("bench.keys", 1000, 100),
                Integer.getInteger("bench.valueSize", 32),
                System.getProperty("bench.redis", "redis-server"),
                System.getProperty("bench.only", ""));
    }

    /** Rejects settings the generator cannot run, before anything starts. */
    BenchOptions validated() {
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("bench.duration must be positive and bench.warmup not negative");
        }
        if (rate < 1 || connections < 1 || pipeline < 1 || keys < 1 || valueSize < 1) {
            throw new IllegalArgumentException(
                    "bench.rate, bench.connections, bench.pipeline, bench.keys and bench.valueSize must be positive");
        }
        // a pipelined batch is encoded into one 64 KiB buffer per connection
        if ((long) pipeline * (valueSize + 64) > 60_000) {
            throw new IllegalArgumentException("bench.pipeline × bench.valueSize must stay under about 60 KB");
        }
        return this;
    }

    boolean selected(String phaseTitle) {
        return phaseTitle.toLowerCase(Locale.ROOT).contains(only.toLowerCase(Locale.ROOT));
    }

    boolean redisEnabled() {
        return !"none".equalsIgnoreCase(redis);
    }
}
