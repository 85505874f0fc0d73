package io.nundb.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The benchmark program (issue 2 item 7). Starts our server in this JVM and a redis-server
 * process, drives both over TCP with the same load code, and prints a side-by-side table.
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java@bench} (see docs/benchmarks.md).
 */
public final class Bench {

    private static final String DB = "bench";
    private static final String TOKEN = "bench-token";
    private static final String WATCHED_KEY = "bench-watched";

    private final BenchOptions options;
    private final PrintStream out;

    private Bench(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.fromSystemProperties().validated();
        Smoke.announce(System.out);
        new Bench(options, System.out).run();
    }

    private interface PhaseBody {
        List<Report.Metric> run(Target target) throws Exception;
    }

    private void run() throws Exception {
        long startedAt = System.nanoTime();
        Path work = Files.createTempDirectory("nundb-bench-");
        List<Closeable> servers = new ArrayList<>();
        try {
            printHeader();
            Target ours = startOurs(work, servers);
            Target redis = startRedis(work, servers);
            List<Target> targets = new ArrayList<>();
            if (ours != null) {
                targets.add(ours);
            }
            if (redis != null) {
                targets.add(redis);
            }
            if (targets.isEmpty()) {
                out.println("Nothing to measure.");
                return;
            }
            for (Target target : targets) {
                try (Connection admin = Connection.open(target)) {
                    target.protocol().prepare(admin);
                }
            }
            Report report =
                    new Report(ours != null ? ours.name() : "NunDB (ours)", redis != null ? redis.name() : "Redis");
            measure(report, targets);
            out.println();
            report.print(out);
            int[] tally = report.goalTally();
            out.println();
            out.printf(
                    "Load average after the run: %s. Took %d s.%n",
                    loadAverage(), (System.nanoTime() - startedAt) / 1_000_000_000L);
            if (ours != null && redis != null) {
                out.printf(
                        "Targets met: %d of %d%s.%n",
                        tally[0],
                        tally[0] + tally[1],
                        tally[2] == 0 ? "" : " (" + tally[2] + " could not be compared: Redis failed)");
            } else {
                out.println("Only one server measured: no ratios.");
            }
        } finally {
            for (int i = servers.size() - 1; i >= 0; i--) {
                servers.get(i).close();
            }
            deleteTree(work);
        }
    }

    private void printHeader() {
        Runtime runtime = Runtime.getRuntime();
        out.printf(
                "NunDB benchmark: %d CPU(s) as seen by the JVM, %s %s, Java %s, max heap %d MiB.%n",
                runtime.availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                runtime.maxMemory() / (1024 * 1024));
        out.println("These cores are SHARED by the load generator, our server (in this same JVM) and redis-server;");
        out.println("read the figures as a comparison on this machine, not as absolute capacity.");
        out.println("Load average before the run: " + loadAverage() + ".");
        out.printf(
                "Phases: %s s warm-up + %s s measured each, %d round(s) (figures: median per figure; ratio: median of per-round ratios); paced rate %d writes/s; %d connections; pipeline %d;"
                        + " %d keys; %d-byte values.%n%n",
                seconds(options.warmup().toMillis()),
                seconds(options.duration().toMillis()),
                options.rounds(),
                options.rate(),
                options.connections(),
                options.pipeline(),
                options.keys(),
                options.valueSize());
    }

    private Target startOurs(Path work, List<Closeable> servers) {
        try {
            NunDbServer server = NunDbServer.start(work.resolve("dbs"), DB, TOKEN);
            servers.add(server);
            out.println(
                    "Our server: in this JVM, TCP 127.0.0.1:" + server.target().port() + ".");
            return server.target();
        } catch (Exception e) {
            out.println("Our server could not be started: " + e.getMessage());
            return null;
        }
    }

    private Target startRedis(Path work, List<Closeable> servers) {
        if (!options.redisEnabled()) {
            out.println("Redis skipped (-Dbench.redis=none): our figures only.");
            return null;
        }
        Optional<Path> executable = RedisServer.find(options.redis());
        if (executable.isEmpty()) {
            out.println("redis-server not found ('" + options.redis() + "'). Install it with"
                    + " `apt-get update && apt-get install -y redis-server`, or point -Dbench.redis=/path/to/redis-server"
                    + " at one. Measuring our server only.");
            return null;
        }
        try {
            RedisServer server = RedisServer.start(executable.get(), Files.createDirectories(work.resolve("redis")));
            servers.add(server);
            Target target = new Target(
                    "Redis " + server.version(),
                    server.target().host(),
                    server.target().port(),
                    server.target().protocol());
            out.println(target.name() + ": " + executable.get() + " on 127.0.0.1:" + target.port()
                    + " (--save '' --appendonly no, keyspace notifications KA).");
            return target;
        } catch (Exception e) {
            out.println("redis-server could not be started: " + e.getMessage() + ". Measuring our server only.");
            return null;
        }
    }

    private void measure(Report report, List<Target> targets) {
        warmUp(targets);
        Report.Goal p99 = new Report.Goal("p99 µs", false, 2.0);
        Report.Goal ops = new Report.Goal("ops/s", true, 0.5);
        phase(
                report,
                targets,
                "notify, paced " + options.rate() + " writes/s",
                List.of(p99),
                t -> latency(t, options.rate()));
        phase(report, targets, "notify, back-to-back", List.of(p99), t -> latency(t, 0));
        for (Target target : targets) {
            try {
                throughput(target).prefill();
            } catch (IOException e) {
                out.println("  prefill failed on " + target.name() + ": " + e.getMessage());
            }
        }
        for (ThroughputRun.Op op : ThroughputRun.Op.values()) {
            for (int depth : new int[] {1, options.pipeline()}) {
                String title = op + ", " + options.connections() + " conns, "
                        + (depth == 1 ? "no pipelining" : "pipeline " + depth);
                phase(report, targets, title, List.of(ops), t -> {
                    ThroughputRun.Result r =
                            throughput(t).run(op, options.connections(), depth, options.warmup(), options.duration());
                    if (r.errors() > 0) {
                        throw new IOException(r.errors() + " error replies, first: " + r.firstError());
                    }
                    return List.of(new Report.Metric("ops/s", r.opsPerSecond()));
                });
            }
        }
    }

    /**
     * An unmeasured pipelined SET and GET round per server before the phases, so the JIT has
     * compiled our server's whole command path before the first latency phase (Redis gets the
     * same round, for symmetry).
     */
    private void warmUp(List<Target> targets) {
        for (Target target : targets) {
            long start = System.nanoTime();
            try {
                for (ThroughputRun.Op op : ThroughputRun.Op.values()) {
                    throughput(target)
                            .run(op, options.connections(), options.pipeline(), options.warmup(), Duration.ZERO);
                }
                out.printf("  warm-up round — %s: %d ms%n", target.name(), (System.nanoTime() - start) / 1_000_000);
            } catch (IOException e) {
                out.println("  warm-up round failed on " + target.name() + ": " + e.getMessage());
            }
        }
    }

    private ThroughputRun throughput(Target target) {
        byte[][] keys = new byte[options.keys()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Ascii.bytes("key" + i);
        }
        byte[] value = Ascii.bytes("x".repeat(options.valueSize()));
        return new ThroughputRun(target, keys, value);
    }

    private List<Report.Metric> latency(Target target, int rate) throws Exception {
        LatencyRun.Result r = new LatencyRun(target, WATCHED_KEY).run(rate, options.warmup(), options.duration());
        LatencyRecorder l = r.latencies();
        if (l.count() == 0) {
            throw new IOException("no notification arrived (" + r.missing() + " missing)");
        }
        return List.of(
                new Report.Metric("p50 µs", l.percentile(50) / 1e3),
                new Report.Metric("p99 µs", l.percentile(99) / 1e3),
                new Report.Metric("p99.9 µs", l.percentile(99.9) / 1e3),
                new Report.Metric("max µs", l.max() / 1e3),
                new Report.Metric("writes/s", r.writesPerSecond()),
                new Report.Metric("lost notifications", r.missing()));
    }

    /**
     * Runs one phase on every server in turn, {@code rounds} times, so background load on the
     * shared machine hits both alike; each figure reported is the median over the rounds.
     */
    private void phase(Report report, List<Target> targets, String title, List<Report.Goal> goals, PhaseBody body) {
        if (!options.selected(title)) {
            return;
        }
        report.phase(title, goals);
        Map<Target, List<List<Report.Metric>>> rounds = new LinkedHashMap<>();
        Map<Target, String> failures = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            String label = options.rounds() == 1 ? title : title + " (round " + round + ")";
            for (Target target : targets) {
                if (failures.containsKey(target)) {
                    continue;
                }
                long timeoutMillis =
                        options.warmup().toMillis() + options.duration().toMillis() + 60_000;
                try (Watchdog watchdog = Watchdog.arm(timeoutMillis)) {
                    long gcCount = GcStats.count();
                    long gcMillis = GcStats.millis();
                    List<Report.Metric> metrics = runGuarded(body, target, watchdog, timeoutMillis);
                    rounds.computeIfAbsent(target, t -> new ArrayList<>()).add(metrics);
                    out.println("  " + label + " — " + target.name() + ": " + summary(metrics) + "; GC in this JVM: "
                            + (GcStats.count() - gcCount) + " collections, " + (GcStats.millis() - gcMillis) + " ms");
                } catch (Exception e) {
                    String reason = e.getMessage()
                            + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "");
                    failures.put(target, reason);
                    out.println("  " + label + " — " + target.name() + ": FAILED " + reason);
                }
            }
        }
        for (Target target : targets) {
            if (failures.containsKey(target)) {
                report.failure(target.name(), failures.get(target));
            } else {
                report.rounds(target.name(), rounds.get(target));
            }
        }
    }

    private static List<Report.Metric> runGuarded(PhaseBody body, Target target, Watchdog watchdog, long timeoutMillis)
            throws Exception {
        try {
            return body.run(target);
        } catch (Exception e) {
            if (watchdog.fired()) {
                throw new IOException("hung: no progress within " + timeoutMillis / 1000 + " s, connections closed", e);
            }
            throw e;
        }
    }

    private static String summary(List<Report.Metric> metrics) {
        StringBuilder s = new StringBuilder();
        for (Report.Metric m : metrics) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(m.name()).append(' ').append(Report.format(m.value()));
        }
        return s.toString();
    }

    /** From /proc/loadavg: other work on the machine skews every figure, so the report shows it. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException unavailable) {
            return "unknown";
        }
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
