package io.nundb.bench;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.durability.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cluster bench (issue 8, "Performance"): real server processes on loopback, default server
 * settings, measuring failover time, replicated write throughput against a single node, and the
 * write-on-the-primary → {@code changed}-on-a-secondary latency. Prints a line per trial/round
 * while it runs and a summary with the targets at the end; stops by itself.
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java@cluster-bench} (options in docs/benchmarks.md).
 *
 * <p>Threads: the main thread drives everything; {@link FailoverWriters} and the reused
 * {@link ThroughputRun}/{@link LatencyRun} start their own.
 */
public final class ClusterBench {

    private static final String DB = "bench";
    private static final String TOKEN = "bench-token";
    private static final String WATCHED_KEY = "cluster-watched";
    private static final Duration READY = Duration.ofSeconds(120);
    private static final long FAILOVER_GIVE_UP_MS = 20_000;
    private static final double ETCD_WRITES_PER_SECOND = 4_600;

    private final ClusterBenchOptions options;
    private final PrintStream out;
    private final Path work;
    private final List<ProcessCluster> clusters = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private ProcessCluster lazyCluster;

    private ClusterBench(ClusterBenchOptions options, PrintStream out, Path work) {
        this.options = options;
        this.out = out;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        ClusterBenchOptions options = ClusterBenchOptions.fromSystemProperties();
        Smoke.announce(System.out);
        serverClasspathFromLoader();
        Path work = Files.createTempDirectory("nundb-cluster-bench-");
        ClusterBench bench = new ClusterBench(options, System.out, work);
        try {
            bench.run();
        } finally {
            bench.closeAll();
            if (Boolean.getBoolean("cluster.keep")) {
                System.out.println("Kept the nodes' data and logs in " + work + " (-Dcluster.keep=true).");
            } else {
                deleteTree(work);
            }
        }
    }

    /**
     * Under {@code exec:java} this JVM's {@code java.class.path} is Maven's launcher; the project's
     * test classpath is the URLs of the loader that loaded this class, which the servers need.
     */
    private static void serverClasspathFromLoader() {
        if (System.getProperty(ServerProcess.CLASSPATH_PROPERTY) != null) {
            return;
        }
        if (ClusterBench.class.getClassLoader() instanceof URLClassLoader loader) {
            StringBuilder cp = new StringBuilder();
            for (URL url : loader.getURLs()) {
                try {
                    if (cp.length() > 0) {
                        cp.append(File.pathSeparatorChar);
                    }
                    cp.append(Path.of(url.toURI()));
                } catch (URISyntaxException | IllegalArgumentException notAFile) {
                    // not a local file: the server cannot use it either
                }
            }
            System.setProperty(ServerProcess.CLASSPATH_PROPERTY, cp.toString());
        }
    }

    private void run() throws Exception {
        long startedAt = System.nanoTime();
        out.printf(
                "NunDB cluster bench, %s: %d CPU(s), Java %s; server JVMs: %s; loopback only.%n",
                Instant.now(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                String.join(" ", options.serverJvm()));
        out.println("Every server is its own process with default settings (NUN_ELECTION_TIMEOUT 1000 ms,"
                + " fsync interval); the load generator is this JVM. Load average: " + loadAverage() + ".");
        if (options.runs("failover")) {
            for (String mode : options.modes()) {
                failover(mode);
            }
        }
        if (options.runs("throughput")) {
            throughput();
        }
        if (options.runs("notify")) {
            notifyLatency();
        }
        out.println();
        out.println("== Summary ==");
        summary.forEach(out::println);
        out.printf(
                "Load average at the end: %s. Took %d s.%n",
                loadAverage(), (System.nanoTime() - startedAt) / 1_000_000_000L);
    }

    // ---------------------------------------------------------------- failover

    private void failover(String mode) throws Exception {
        out.printf(
                "%n== Failover, %s: %d trials; writes every %d ms to each surviving node (%d connections each) ==%n",
                mode, options.trials(), options.writeIntervalMillis(), options.writerThreads());
        ProcessCluster cluster = startCluster("failover-" + mode, 3, true, mode);
        createDbEverywhere(cluster);
        List<Long> overall = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        List<Long> forwarded = new ArrayList<>();
        int failed = 0;
        for (int trial = 1; trial <= options.trials(); trial++) {
            int primary = primary(cluster, Set.of(0, 1, 2));
            int[] survivors =
                    Arrays.stream(new int[] {0, 1, 2}).filter(i -> i != primary).toArray();
            FailoverWriters[] writers = new FailoverWriters[2];
            for (int s = 0; s < 2; s++) {
                writers[s] = new FailoverWriters(
                        cluster.node(survivors[s]).tcpPort(),
                        DB,
                        TOKEN,
                        "f" + mode + trial + "n" + survivors[s] + "-",
                        options.writerThreads(),
                        options.writeIntervalMillis());
            }
            long killDurationMs;
            int newPrimary;
            try {
                Thread.sleep(500); // steady writes before the kill
                for (FailoverWriters w : writers) {
                    if (w.okBeforeKill() == 0) {
                        throw new IOException(
                                "no write succeeded before the kill: " + w.firstError() + " / " + w.failure());
                    }
                }
                long killStart = System.nanoTime();
                cluster.kill9(primary);
                long dead = System.nanoTime();
                killDurationMs = (dead - killStart) / 1_000_000;
                for (FailoverWriters w : writers) {
                    w.markKill(killStart, dead);
                }
                long giveUp = dead + TimeUnit.MILLISECONDS.toNanos(FAILOVER_GIVE_UP_MS);
                while ((writers[0].failoverNanos() < 0 || writers[1].failoverNanos() < 0)
                        && System.nanoTime() < giveUp) {
                    Thread.sleep(5);
                }
            } finally {
                for (FailoverWriters w : writers) {
                    w.close();
                }
            }
            Set<Integer> alive = new HashSet<>(Set.of(0, 1, 2));
            alive.remove(primary);
            newPrimary = primary(cluster, alive);
            int d = survivors[0] == newPrimary ? 0 : 1;
            long directMs = millis(writers[d].failoverNanos());
            long forwardedMs = millis(writers[1 - d].failoverNanos());
            long firstMs = directMs < 0 ? forwardedMs : forwardedMs < 0 ? directMs : Math.min(directMs, forwardedMs);
            long rejoinStart = System.nanoTime();
            cluster.start(primary);
            waitConverged(cluster);
            long rejoinMs = (System.nanoTime() - rejoinStart) / 1_000_000;
            String errors = "errors after the kill: direct " + writers[d].errorsAfterKill()
                    + (writers[d].firstError() != null ? " (first: " + writers[d].firstError() + ")" : "")
                    + ", via secondary " + writers[1 - d].errorsAfterKill()
                    + (writers[1 - d].firstError() != null ? " (first: " + writers[1 - d].firstError() + ")" : "");
            if (directMs < 0 || forwardedMs < 0) {
                failed++;
                out.printf(
                        "  trial %2d/%d %s: killed node%d; NO ok within %d s (direct %s, via secondary %s); %s; load %s%n",
                        trial,
                        options.trials(),
                        mode,
                        primary,
                        FAILOVER_GIVE_UP_MS / 1000,
                        directMs,
                        forwardedMs,
                        errors,
                        loadAverage());
            } else {
                overall.add(firstMs);
                direct.add(directMs);
                forwarded.add(forwardedMs);
                out.printf(
                        "  trial %2d/%d %s: killed node%d (SIGKILL took %d ms) -> node%d primary; first ok %,d ms"
                                + " (direct to new primary %,d ms, via the secondary %,d ms); %s; rejoin+converge %.1f s;"
                                + " load %s%n",
                        trial,
                        options.trials(),
                        mode,
                        primary,
                        killDurationMs,
                        newPrimary,
                        firstMs,
                        directMs,
                        forwardedMs,
                        errors,
                        rejoinMs / 1000.0,
                        loadAverage());
            }
        }
        String figures = String.format(
                "Failover %-8s (%d trials%s): first ok median %s, p90 %s, max %s | direct: median %s, p90 %s, max %s"
                        + " | via secondary: median %s, p90 %s, max %s",
                mode,
                options.trials(),
                failed > 0 ? ", " + failed + " FAILED" : "",
                ms(percentile(overall, 50)),
                ms(percentile(overall, 90)),
                ms(percentile(overall, 100)),
                ms(percentile(direct, 50)),
                ms(percentile(direct, 90)),
                ms(percentile(direct, 100)),
                ms(percentile(forwarded, 50)),
                ms(percentile(forwarded, 90)),
                ms(percentile(forwarded, 100)));
        boolean met = failed == 0 && percentile(overall, 50) < 1500 && percentile(overall, 100) < 3000;
        out.println(figures);
        summary.add(figures + " — target median < 1,500 ms, max < 3,000 ms: " + (met ? "met" : "MISSED"));
        close(cluster);
    }

    // ---------------------------------------------------------------- throughput

    private Duration firstWarmup() {
        return options.firstWarmup().compareTo(options.warmup()) > 0 ? options.firstWarmup() : options.warmup();
    }

    private void throughput() throws Exception {
        out.printf(
                "%n== Replicated write throughput: set, %d connections, %s, %d distinct keys, %d-byte"
                        + " values; %s s warm-up (%s s before each setup's first run) + %s s measured; %d rounds ==%n",
                options.connections(),
                options.pipeline() == 1 ? "no pipelining" : "pipeline " + options.pipeline(),
                options.keys(),
                options.valueSize(),
                options.warmup().toMillis() / 1000.0,
                firstWarmup().toMillis() / 1000.0,
                options.duration().toMillis() / 1000.0,
                options.rounds());
        String[] names = {"single node", "3-node lazy", "3-node majority"};
        ProcessCluster[] setups = {
            startCluster("single", 1, false, "lazy"),
            startCluster("lazy", 3, true, "lazy"),
            startCluster("majority", 3, true, "majority")
        };
        lazyCluster = setups[1];
        for (int s = 0; s < 3; s++) {
            jfr(setups[s], names[s], "JFR.start");
        }
        for (int s = 0; s < 3; s++) {
            try (Connection admin = Connection.open(target(setups[s], names[s]))) {
                admin.protocol().prepare(admin);
            }
        }
        byte[][] keys = new byte[options.keys()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Ascii.bytes("key" + i);
        }
        byte[] value = Ascii.bytes("v".repeat(options.valueSize()));
        double[][] perRound = new double[3][options.rounds()];
        for (int round = 0; round < options.rounds(); round++) {
            for (int s = 0; s < 3; s++) {
                // the primary can change between runs (an election on this starved machine): ask each time
                String before = leadership(setups[s]);
                ProcessCluster sampled = setups[s];
                // counters are read when the warm-up ends, so the figures are the measured window's alone
                Counters[] start = new Counters[1];
                LagSampler[] lagHolder = new LagSampler[1];
                ThroughputRun.Result r = new ThroughputRun(target(setups[s], names[s]), keys, value)
                        .atMeasureStart(() -> {
                            start[0] = Counters.of(sampled);
                            if (sampled != setups[0]) {
                                lagHolder[0] = new LagSampler(() -> lags(sampled), 250);
                            }
                        })
                        .run(
                                ThroughputRun.Op.SET,
                                options.connections(),
                                options.pipeline(),
                                round == 0 ? firstWarmup() : options.warmup(),
                                options.duration());
                LagSampler lag = lagHolder[0];
                if (lag != null) {
                    lag.close();
                }
                Counters end = Counters.of(sampled);
                String after = leadership(setups[s]);
                if (r.errors() > 0) {
                    throw new IOException(names[s] + ": " + r.errors() + " error replies, first: " + r.firstError());
                }
                perRound[s][round] = r.opsPerSecond();
                out.printf(
                        "  round %d/%d — %-15s: %,.0f writes/s%s; load %s%n",
                        round + 1,
                        options.rounds(),
                        names[s],
                        r.opsPerSecond(),
                        s == 0 ? "" : "; " + lagLine(setups[s]),
                        loadAverage());
                double writes = r.operations();
                out.println("    " + cpuLine(start[0].ticks(), end.ticks(), writes, r.seconds(), before));
                if (lag != null) {
                    out.println("      " + lag.describe());
                }
                out.println("      "
                        + end.machine()
                                .since(
                                        start[0].machine(),
                                        writes,
                                        Runtime.getRuntime().availableProcessors()));
                ThreadCpu.Snapshot[] threadsBefore = start[0].threads();
                ThreadCpu.Snapshot[] threadsAfter = end.threads();
                for (int i = 0; i < threadsBefore.length; i++) {
                    out.println("      node" + i + " by thread: "
                            + ThreadCpu.describe(threadsBefore[i], threadsAfter[i], writes));
                }
            }
        }
        double[] medians = new double[3];
        for (int s = 0; s < 3; s++) {
            medians[s] = median(perRound[s]);
        }
        double lazyRatio = medianRatio(perRound[1], perRound[0]);
        double majorityRatio = medianRatio(perRound[2], perRound[0]);
        String figures = String.format(
                "Throughput medians: single %,.0f/s, 3-node lazy %,.0f/s, 3-node majority %,.0f/s;"
                        + " ratios (median of per-round ratios): lazy %.2f×, majority %.2f× single; majority %.1f× etcd's 4.6k/s",
                medians[0], medians[1], medians[2], lazyRatio, majorityRatio, medians[2] / ETCD_WRITES_PER_SECOND);
        out.println(figures);
        summary.add(figures);
        summary.add("  targets: lazy ≥ 0.8× single: " + (lazyRatio >= 0.8 ? "met" : "MISSED")
                + "; majority ≥ 0.5× single: " + (majorityRatio >= 0.5 ? "met" : "MISSED")
                + "; majority ≥ 2× etcd (9,200/s): " + (medians[2] >= 2 * ETCD_WRITES_PER_SECOND ? "met" : "MISSED"));
        for (int s = 0; s < 3; s++) {
            jfr(setups[s], names[s], "JFR.stop");
        }
        close(setups[0]);
        close(setups[2]);
        if (!options.runs("notify")) {
            close(setups[1]);
            lazyCluster = null;
        }
    }

    /** Each node's CPU time, context switches and system calls so far, by thread role. */
    private static ThreadCpu.Snapshot[] threadCpu(ProcessCluster cluster) {
        ThreadCpu.Snapshot[] snapshots = new ThreadCpu.Snapshot[cluster.size()];
        for (int i = 0; i < snapshots.length; i++) {
            snapshots[i] = ThreadCpu.take(cluster.pid(i));
        }
        return snapshots;
    }

    /** Each node's CPU time so far (user + system, clock ticks from /proc/<pid>/stat; -1 if unknown). */
    private static long[] cpuTicks(ProcessCluster cluster) {
        long[] ticks = new long[cluster.size()];
        for (int i = 0; i < ticks.length; i++) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(cluster.pid(i)), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks[i] = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (IOException | RuntimeException unavailable) {
                ticks[i] = -1;
            }
        }
        return ticks;
    }

    /**
     * Where the CPU went during a run's measured window: seconds per node and microseconds per write,
     * so the cost of replication shows apart from the machine's background load.
     */
    private static String cpuLine(long[] before, long[] after, double writes, double runSeconds, String leader) {
        StringBuilder b = new StringBuilder("CPU in the measured window (" + leader + "):");
        double total = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] < 0 || after[i] < 0) {
                return b.append(" unknown").toString();
            }
            double seconds = (after[i] - before[i]) / 100.0; // USER_HZ is 100 on Linux
            total += seconds;
            b.append(String.format(" node%d %.1f s (%.0f µs/write)", i, seconds, seconds * 1e6 / writes));
        }
        return b.append(String.format("; all nodes %.0f µs/write over %.0f s", total * 1e6 / writes, runSeconds))
                .toString();
    }

    /** The CPU counters read at each end of a measured window. */
    private record Counters(long[] ticks, ThreadCpu.Snapshot[] threads, MachineCpu machine) {
        static Counters of(ProcessCluster cluster) {
            return new Counters(cpuTicks(cluster), threadCpu(cluster), MachineCpu.now());
        }
    }

    /** A target on the current primary of {@code cluster}. */
    private static Target target(ProcessCluster cluster, String name) throws IOException {
        int p = primary(cluster, allNodes(cluster));
        return new Target(
                name,
                "127.0.0.1",
                cluster.node(p).tcpPort(),
                new NunDbProtocol(ProcessCluster.USER, ProcessCluster.PASSWORD, DB, TOKEN));
    }

    /** Who leads in which term ("node1 term 3"), to notice an election during a run. */
    private static String leadership(ProcessCluster cluster) throws IOException {
        if (cluster.size() == 1) {
            return "alone";
        }
        int p = primary(cluster, allNodes(cluster));
        String info = LineSocket.find(admin(cluster, p, "debug cluster"), "cluster-info ");
        String term = info.replaceAll(".* term=(\\d+).*", "$1");
        return "node" + p + " term " + term;
    }

    /** The primary's view of each peer's lag right after a run: does replication keep up? */
    /** Each peer's lag behind the primary now (entries), from {@code debug cluster}. */
    private static List<Long> lags(ProcessCluster cluster) throws IOException {
        int p = primary(cluster, allNodes(cluster));
        List<Long> out = new ArrayList<>();
        for (String line : admin(cluster, p, "debug cluster")) {
            if (line.startsWith("peer ")) {
                String tail = line.substring(line.indexOf("lag=") + 4);
                out.add(Long.parseLong(tail.split("[^0-9]", 2)[0]));
            }
        }
        return out;
    }

    private String lagLine(ProcessCluster cluster) throws IOException {
        int p = primary(cluster, allNodes(cluster));
        List<String> info = admin(cluster, p, "debug cluster");
        StringBuilder b = new StringBuilder("peer lag after the run:");
        for (String line : info) {
            if (line.startsWith("peer ")) {
                b.append(' ').append(line.substring(line.indexOf("lag=")));
            }
        }
        return b.toString();
    }

    /**
     * With {@code -Dcluster.jfr=<dir>}: a flight recording (profile settings) of every node of a
     * throughput setup, started before its rounds and written when they end.
     */
    private void jfr(ProcessCluster cluster, String setup, String action) throws IOException, InterruptedException {
        String dir = System.getProperty("cluster.jfr");
        if (dir == null) {
            return;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (int i = 0; i < cluster.size(); i++) {
            String file = Path.of(dir, setup.replace(' ', '-') + "-node" + i + ".jfr")
                    .toAbsolutePath()
                    .toString();
            List<String> command = action.equals("JFR.start")
                    ? List.of(jcmd, Long.toString(cluster.pid(i)), action, "name=bench", "settings=profile")
                    : List.of(jcmd, Long.toString(cluster.pid(i)), action, "name=bench", "filename=" + file);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (action.equals("JFR.stop")) {
                out.println("  JFR of " + setup + " node" + i + ": " + file + " ("
                        + output.strip().replace('\n', ' ') + ")");
            }
        }
    }

    // ---------------------------------------------------------------- notify

    private void notifyLatency() throws Exception {
        out.printf(
                "%n== Write on the primary -> changed at a watcher on a secondary, 3-node lazy: %d writes paced at %d/s,"
                        + " then back-to-back for as long ==%n",
                options.notifyWrites(), options.rate());
        ProcessCluster cluster = lazyCluster;
        if (cluster == null) {
            cluster = startCluster("notify-lazy", 3, true, "lazy");
            createDbEverywhere(cluster);
        } else {
            waitConverged(cluster);
        }
        int p = primary(cluster, allNodes(cluster));
        int secondary = p == 0 ? 1 : 0;
        Protocol protocol = new NunDbProtocol(ProcessCluster.USER, ProcessCluster.PASSWORD, DB, TOKEN);
        Target writer = new Target("primary", "127.0.0.1", cluster.node(p).tcpPort(), protocol);
        Target watcher =
                new Target("secondary", "127.0.0.1", cluster.node(secondary).tcpPort(), protocol);
        // The first run meets code the servers (and this JVM) have not compiled yet at this pace: it
        // is reported, and the target is judged on the same run once the path is warm.
        String[] labels = {
            "watcher on a secondary, paced " + options.rate() + "/s, first run (warm-up, not judged)",
            "watcher on a secondary, back-to-back",
            "watcher on a secondary, paced " + options.rate() + "/s",
            "reference: watcher on the primary itself, paced " + options.rate() + "/s"
        };
        Target[] watchers = {watcher, watcher, watcher, writer};
        int[] rates = {options.rate(), 0, options.rate(), options.rate()};
        boolean[] judged = {false, true, true, false};
        for (int i = 0; i < labels.length; i++) {
            LatencyRun.Result r = new LatencyRun(writer, watchers[i], WATCHED_KEY)
                    .run(rates[i], options.warmup(), options.notifyDuration());
            LatencyRecorder l = r.latencies();
            if (l.count() == 0) {
                throw new IOException(labels[i] + ": no notification arrived");
            }
            String line = String.format(
                    "Notify %s: %,d samples, p50 %s µs, p99 %s µs, p99.9 %s µs, max %s µs; %,.0f writes/s; lost %d",
                    labels[i],
                    l.count(),
                    Report.format(l.percentile(50) / 1e3),
                    Report.format(l.percentile(99) / 1e3),
                    Report.format(l.percentile(99.9) / 1e3),
                    Report.format(l.max() / 1e3),
                    r.writesPerSecond(),
                    r.missing());
            if (judged[i]) {
                line += " — target p99 ≤ 2,000 µs: " + (l.percentile(99) <= 2_000_000 ? "met" : "MISSED");
            }
            out.println("  " + line + "; load " + loadAverage());
            summary.add(line);
        }
        close(cluster);
        lazyCluster = null;
    }

    // ---------------------------------------------------------------- cluster helpers

    private ProcessCluster startCluster(String name, int nodes, boolean clustered, String ack) throws Exception {
        long start = System.nanoTime();
        ProcessCluster cluster = ProcessCluster.builder(Files.createDirectories(work.resolve(name)))
                .nodes(nodes)
                .clustered(clustered)
                .ack(ack)
                .jvmOptions(options.serverJvm())
                .startTimeout(READY)
                .build();
        clusters.add(cluster);
        cluster.startAll();
        for (int i = 0; i < nodes; i++) {
            cluster.waitReady(i, READY);
        }
        int p = primary(cluster, allNodes(cluster));
        out.printf(
                "  started %s: %d process(es) (%s), primary node%d, in %.1f s%n",
                name,
                nodes,
                clustered ? "NUN_REPLICATION_ACK=" + ack : "no NUN_REPLICATE_ADDR",
                p,
                (System.nanoTime() - start) / 1e9);
        return cluster;
    }

    private void close(ProcessCluster cluster) throws InterruptedException {
        clusters.remove(cluster);
        cluster.close();
    }

    private void closeAll() throws InterruptedException {
        for (ProcessCluster c : List.copyOf(clusters)) {
            close(c);
        }
    }

    private static Set<Integer> allNodes(ProcessCluster cluster) {
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < cluster.size(); i++) {
            all.add(i);
        }
        return all;
    }

    /** Creates the bench database on the primary and waits until every node has it. */
    private void createDbEverywhere(ProcessCluster cluster) throws Exception {
        int p = primary(cluster, allNodes(cluster));
        admin(cluster, p, "create-db " + DB + " " + TOKEN);
        for (int i = 0; i < cluster.size(); i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (LineSocket s = new LineSocket(cluster.node(i).tcpPort(), 10_000)) {
                    if (LineSocket.isOk(s.call("use-db " + DB + " " + TOKEN))) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("node" + i + " never got database " + DB);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * The index of the node among {@code candidates} that says it is the primary (role=leader)
     * and ready; waits for one (an election may be under way).
     */
    private static int primary(ProcessCluster cluster, Set<Integer> candidates) throws IOException {
        if (cluster.size() == 1) {
            return 0;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int i : candidates) {
                try {
                    String info = LineSocket.find(admin(cluster, i, "debug cluster"), "cluster-info ");
                    if (info != null && info.contains(" role=leader ") && info.contains(" ready=true")) {
                        return i;
                    }
                } catch (IOException notNow) {
                    // a node that is starting or electing: ask again
                }
            }
            sleep(50);
        }
        throw new IOException("no node became a ready primary within 60 s");
    }

    /** Waits until every node is ready and all report the same {@code debug digest}. */
    private static void waitConverged(ProcessCluster cluster) throws IOException {
        for (int i = 0; i < cluster.size(); i++) {
            cluster.waitReady(i, READY);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<String> digests = List.of();
        while (System.nanoTime() < deadline) {
            digests = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                digests.add(LineSocket.find(admin(cluster, i, "debug digest"), "digest "));
            }
            if (digests.get(0) != null && digests.stream().distinct().count() == 1) {
                return;
            }
            sleep(100);
        }
        throw new IOException("the nodes' digests did not converge within 120 s: " + digests);
    }

    /** One admin command on node {@code i} over a fresh connection. */
    private static List<String> admin(ProcessCluster cluster, int i, String command) throws IOException {
        try (LineSocket s = new LineSocket(cluster.node(i).tcpPort(), 10_000)) {
            s.callOk("auth " + ProcessCluster.USER + " " + ProcessCluster.PASSWORD);
            return s.callOk(command);
        }
    }

    // ---------------------------------------------------------------- figures

    private static long millis(long nanos) {
        return nanos < 0 ? -1 : nanos / 1_000_000;
    }

    /** Nearest-rank percentile of millisecond samples; -1 when there are none. */
    static long percentile(List<Long> samples, double p) {
        if (samples.isEmpty()) {
            return -1;
        }
        List<Long> sorted = samples.stream().sorted().toList();
        int rank = (int) Math.ceil(p * sorted.size() / 100.0 - 1e-9);
        return sorted.get(Math.max(rank, 1) - 1);
    }

    private static String ms(long millis) {
        return millis < 0 ? "n/a" : String.format("%,d ms", millis);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Median of per-round ratios: a round's runs are seconds apart, so pairing them cancels background load. */
    private static double medianRatio(double[] numerator, double[] denominator) {
        double[] ratios = new double[numerator.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = numerator[i] / denominator[i];
        }
        return median(ratios);
    }

    /** From /proc/loadavg: other work on the machine skews every figure, so the output shows it. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException unavailable) {
            return "unknown";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Deletes a directory tree (the benches' temporary work directories). */
    static void deleteTree(Path root) throws IOException {
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
