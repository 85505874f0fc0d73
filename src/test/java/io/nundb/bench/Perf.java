package io.nundb.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The perf bench of issue 12: our server as users run it ({@code java <the Docker image's JVM
 * flags> -jar target/nundb-jvm-*.jar}, its own process), Redis as its own process, and the load
 * generator ({@link LoadGen}) a third process started for every run, so that one generator costs
 * both servers the same. Each phase runs its rounds alternating the servers and prints a Markdown
 * table (medians, ratios, per-round ratios, the machine's load); the end prints issue 12's targets
 * met or missed, and writes everything to {@code target/perf/summary.md}.
 *
 * <p>Run: {@code ./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile exec:java@perf} (options
 * in docs/benchmarks.md). Threads: the main thread drives everything; a reader thread per load
 * generator process forwards its output.
 */
public final class Perf {

    private static final String DB = "bench";
    private static final String TOKEN = "bench-token";
    /** A JVM took 130 s to start on the shared machine at load 39; a cluster node also waits for its peers. */
    private static final Duration START = Duration.ofSeconds(Long.getLong("perf.startTimeout", 300));

    private static final String OURS = "ours";
    private static final String REDIS = "Redis";

    /** A server the load generator can be pointed at (one of ours, Redis, or a cluster's primary). */
    private interface Side {
        String name();

        String proto();

        /** The TCP port writes go to (a cluster's current primary). */
        int port() throws IOException;

        /** The TCP port a watcher connects to (a secondary of a cluster; the same port otherwise). */
        int watchPort() throws IOException;

        int wsPort();

        long pid();
    }

    private record Single(String name, String proto, int tcp, int ws, long pid) implements Side {
        @Override
        public int port() {
            return tcp;
        }

        @Override
        public int watchPort() {
            return tcp;
        }

        @Override
        public int wsPort() {
            return ws;
        }
    }

    /** One run of the load generator against one side; its result figures. */
    @FunctionalInterface
    private interface Run {
        Map<String, Double> run(Side side) throws Exception;
    }

    private final PerfOptions options;
    private final PrintStream out;
    private final Path work;
    private final Path testClasses;
    private final List<String> limitPrefix;
    private final String limitNote;
    private final List<AutoCloseable> open = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, PerfPhase> phases = new LinkedHashMap<>();
    private DockerJvmFlags flags;
    private Path jar;
    private Side ours;
    private Side redis;
    private RedisServer redisServer;
    private JarServer oursServer;

    private Perf(PerfOptions options, PrintStream out, Path work) throws Exception {
        this.options = options;
        this.out = out;
        this.work = work;
        this.testClasses = loadgenClasses(
                Path.of(LoadGen.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI()),
                work);
        // Raising the fd limit needs CAP_SYS_RESOURCE; without it every process keeps the inherited limit.
        List<String> prefix = List.of("prlimit", "--nofile=200000:200000", "--");
        String note;
        try {
            Process p = new ProcessBuilder(concat(prefix, List.of("true")))
                    .redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                prefix = List.of();
                note = "cannot raise the open-file limit here (" + text + "); processes keep "
                        + ProcInfo.maxOpenFiles(ProcessHandle.current().pid());
            } else {
                note = "processes run with an open-file limit of 200,000 (prlimit)";
            }
        } catch (IOException noPrlimit) {
            prefix = List.of();
            note = "no prlimit; processes keep the open-file limit of "
                    + ProcInfo.maxOpenFiles(ProcessHandle.current().pid());
        }
        this.limitPrefix = prefix;
        this.limitNote = note;
    }

    /**
     * A copy of the bench's compiled classes (all the load generator needs: it uses nothing outside
     * this package and the JDK), so a rebuild during a long run cannot pull them from under it.
     */
    private static Path loadgenClasses(Path testClasses, Path work) throws IOException {
        Path target = work.resolve("loadgen-classes");
        Path from = testClasses.resolve("io/nundb/bench");
        Path to = Files.createDirectories(target.resolve("io/nundb/bench"));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return target;
    }

    public static void main(String[] args) throws Exception {
        PerfOptions options = PerfOptions.fromSystemProperties();
        Smoke.announce(System.out);
        Path work = Files.createTempDirectory("nundb-perf-");
        Perf perf = new Perf(options, System.out, work);
        try {
            perf.run();
        } finally {
            perf.closeAll();
            if (options.keep()) {
                System.out.println("Kept the servers' data and logs in " + work + " (-Dperf.keep=true).");
            } else {
                ClusterBench.deleteTree(work);
            }
        }
        System.exit(0);
    }

    private void run() throws Exception {
        long startedAt = System.nanoTime();
        jar = findJar();
        DockerJvmFlags image = DockerJvmFlags.read(Path.of(options.dockerfile()));
        flags = image.plus(options.serverJvm());
        String header = String.format(
                Locale.ROOT,
                "NunDB perf bench, %s: %d CPU(s), Java %s, load average %s.%nOur server: java %s -jar %s (flags"
                        + " from %s%s, then the bench's -Dperf.serverJvm=%s); %s.%nLoad generator: a separate JVM"
                        + " (%s) per run; %s%s.%n",
                Instant.now(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                ProcInfo.loadAverage(),
                String.join(" ", flags.flags()),
                jar,
                options.dockerfile(),
                flags.javaToolOptions() == null ? "" : ", JAVA_TOOL_OPTIONS=" + flags.javaToolOptions(),
                String.join(" ", options.serverJvm()),
                limitNote,
                String.join(" ", options.loadgenJvm()),
                options.rounds() + " round(s)",
                options.quick() ? ", QUICK mode (short runs: checks that the phases work, figures mean little)" : "");
        out.println(header);
        oursServer = startOurs("ours", Map.of());
        ours = new Single(OURS, "nundb", oursServer.tcpPort(), oursServer.wsPort(), oursServer.pid());
        createDb(oursServer);
        redis = startRedis();
        String servers = "Servers: ours pid " + oursServer.pid()
                + (redisServer == null
                        ? "; Redis: not found (" + options.redis() + "), phases run ours only"
                        : "; Redis " + redisServer.version() + " pid " + redisServer.pid()
                                + " (--save '' --appendonly no)");
        out.println(servers);
        out.println();
        StringBuilder md = new StringBuilder("## Server as users run it: perf bench\n\n")
                .append(header.replace("\n", "\n\n"))
                .append(servers)
                .append("\n\n");
        if (options.runs("idle")) {
            idlePhases();
        }
        if (options.runs("set") || options.runs("get") || options.runs("notify") || options.runs("fanout")) {
            warmUp(sides());
        }
        if (options.runs("set")) {
            throughputPhases("set", "SET", sides(), sides().size() - 1, "");
        }
        if (options.runs("get")) {
            throughputPhases("get", "GET", sides(), sides().size() - 1, "");
        }
        if (options.runs("notify")) {
            notifyPhases("notify", sides(), sides().size() - 1, "");
        }
        if (options.runs("fanout")) {
            fanoutPhases();
        }
        if (options.runs("cluster")) {
            clusterPhases();
        }
        phases.values().forEach(p -> md.append(p.markdown()).append('\n'));
        String summary = PerfTargets.markdown(targets());
        out.println("## Summary: issue 12's targets");
        out.println();
        out.println(summary);
        String end = String.format(
                Locale.ROOT,
                "Load average at the end %s; took %d s.%n",
                ProcInfo.loadAverage(),
                (System.nanoTime() - startedAt) / 1_000_000_000L);
        out.print(end);
        md.append("### Summary: issue 12's targets\n\n")
                .append(summary)
                .append('\n')
                .append(end);
        Path file = Path.of("target", "perf", "summary.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, md.toString());
        out.println("Wrote " + file.toAbsolutePath());
    }

    private List<Side> sides() {
        return redis == null ? List.of(ours) : List.of(ours, redis);
    }

    // ---------------------------------------------------------------- phases

    private void warmUp(List<Side> sides) {
        for (Side s : sides) {
            for (String op : List.of("set", "get")) {
                try {
                    loadgen(throughputArgs(s, op, options.pipeline(), 0, options.serverWarmup()));
                } catch (Exception e) {
                    out.println("  warm-up of " + s.name() + " failed: " + e.getMessage());
                }
            }
        }
    }

    private void throughputPhases(String idPrefix, String op, List<Side> sides, int reference, String titleSuffix) {
        if (op.equals("GET")) {
            for (Side s : sides) {
                try {
                    prefill(s);
                } catch (Exception e) {
                    out.println("  prefill of " + s.name() + " failed: " + e.getMessage());
                }
            }
        } else {
            redisNotifications(false);
        }
        for (int depth : List.of(1, options.pipeline())) {
            PerfPhase phase = new PerfPhase(
                    idPrefix + depth,
                    op + ", " + options.connections() + " connections, pipeline " + depth + titleSuffix,
                    names(sides),
                    reference,
                    List.of(new PerfPhase.Figure("ops_per_s", "ops/s", true)));
            rounds(
                    phase,
                    sides,
                    s -> loadgen(throughputArgs(
                            s, op.toLowerCase(Locale.ROOT), depth, options.warmup(), options.duration())));
        }
    }

    private List<String> throughputArgs(Side s, String op, int depth, double warmup, double duration)
            throws IOException {
        return List.of(
                "mode=throughput",
                "proto=" + s.proto(),
                "port=" + s.port(),
                "op=" + op,
                "conns=" + options.connections(),
                "depth=" + depth,
                "warmup=" + warmup,
                "duration=" + duration,
                "keys=" + options.keys(),
                "valueSize=" + options.valueSize(),
                "db=" + DB,
                "token=" + TOKEN);
    }

    private void prefill(Side s) throws IOException {
        byte[][] keys = new byte[options.keys()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Ascii.bytes("key" + i);
        }
        new ThroughputRun(target(s, s.port()), keys, Ascii.bytes("v".repeat(options.valueSize()))).prefill();
    }

    private static Target target(Side s, int port) {
        Protocol protocol = s.proto().equals("resp") ? new RespProtocol() : new NunDbProtocol("", "", DB, TOKEN);
        return new Target(s.name(), "127.0.0.1", port, protocol);
    }

    private void notifyPhases(String idPrefix, List<Side> sides, int reference, String titleSuffix) {
        redisNotifications(true);
        List<PerfPhase.Figure> figures = List.of(
                new PerfPhase.Figure("p50_us", "p50 µs", true),
                new PerfPhase.Figure("p99_us", "p99 µs", true),
                new PerfPhase.Figure("p999_us", "p99.9 µs", true),
                new PerfPhase.Figure("max_us", "max µs", true),
                new PerfPhase.Figure("samples", "samples", false),
                new PerfPhase.Figure("writes_per_s", "writes/s", true),
                new PerfPhase.Figure("lost", "lost notifications", false));
        int[] rates = {100, 1000, 0};
        for (int rate : rates) {
            double seconds = rate == 100 ? options.notifySlowSeconds() : options.notifySeconds();
            String how = rate == 0 ? "back-to-back" : "paced " + rate + "/s";
            PerfPhase phase = new PerfPhase(
                    idPrefix + (rate == 0 ? "b2b" : Integer.toString(rate)),
                    "write → watcher, " + how + " (" + Report.format(seconds) + " s per run)" + titleSuffix,
                    names(sides),
                    reference,
                    figures);
            rounds(phase, sides, s -> {
                List<String> args = new ArrayList<>(List.of(
                        "mode=notify",
                        "proto=" + s.proto(),
                        "port=" + s.port(),
                        "rate=" + rate,
                        "warmup=" + options.warmup(),
                        "duration=" + seconds,
                        "db=" + DB,
                        "token=" + TOKEN));
                int watch = s.watchPort();
                if (watch != s.port()) {
                    args.add("watchPort=" + watch);
                }
                return loadgen(args);
            });
        }
    }

    private void fanoutPhases() throws IOException {
        redisNotifications(true);
        for (int n : options.fanout()) {
            List<String> setups = new ArrayList<>(List.of("ours WebSocket", "ours TCP"));
            if (redis != null) {
                setups.add("Redis TCP");
            }
            PerfPhase phase = new PerfPhase(
                    "fanout-" + n,
                    String.format(
                            Locale.ROOT,
                            "fan-out of one write to %,d watchers: time until the last has it (%d writes, %d ms apart)",
                            n,
                            options.fanoutWrites(),
                            options.fanoutPauseMillis()),
                    setups,
                    redis != null ? 2 : 1,
                    List.of(
                            new PerfPhase.Figure("last_p50_ms", "last delivery p50 ms", true),
                            new PerfPhase.Figure("last_p99_ms", "last delivery p99 ms", true),
                            new PerfPhase.Figure("last_max_ms", "last delivery max ms", true),
                            new PerfPhase.Figure("first_p50_ms", "first delivery p50 ms", true),
                            new PerfPhase.Figure("setup_s", "seconds to connect and watch", false)));
            List<Side> fanSides = new ArrayList<>();
            fanSides.add(new Single("ours WebSocket", "nundb-ws", ours.port(), ours.wsPort(), ours.pid()));
            fanSides.add(new Single("ours TCP", "nundb", ours.port(), ours.wsPort(), ours.pid()));
            if (redis != null) {
                fanSides.add(new Single("Redis TCP", "resp", redis.port(), 0, redis.pid()));
            }
            rounds(phase, fanSides, s -> {
                boolean ws = s.proto().equals("nundb-ws");
                return loadgen(List.of(
                        "mode=fanout",
                        "proto=" + (ws ? "nundb" : s.proto()),
                        "transport=" + (ws ? "ws" : "tcp"),
                        "port=" + s.port(),
                        "watchPort=" + (ws ? s.wsPort() : s.port()),
                        "watchers=" + n,
                        "warmupWrites=" + Math.max(2, options.fanoutWrites() / 10),
                        "writes=" + options.fanoutWrites(),
                        "pause=" + options.fanoutPauseMillis(),
                        "db=" + DB,
                        "token=" + TOKEN));
            });
        }
    }

    private void idlePhases() throws IOException {
        List<PerfPhase.Figure> figures = List.of(
                new PerfPhase.Figure("rss_before_mib", "server RSS before, MiB", true),
                new PerfPhase.Figure("rss_mib", "server RSS with the connections, MiB", true),
                new PerfPhase.Figure("per_10k_mib", "RSS added per 10,000 connections, MiB", true),
                new PerfPhase.Figure("setup_s", "seconds to open them", false));
        int n = options.idleConnections();
        String count = String.format(Locale.ROOT, "%,d", n);
        PerfPhase tcp = new PerfPhase(
                "idle-tcp", "idle: " + count + " TCP connections", names(sides()), sides().size() - 1, figures);
        rounds(tcp, sides(), s -> idle(s, "tcp", n));
        Side oursWs = new Single(OURS, "nundb", ours.port(), ours.wsPort(), ours.pid());
        PerfPhase ws =
                new PerfPhase("idle-ws", "idle: " + count + " WebSocket connections (ours)", List.of(OURS), 0, figures);
        rounds(ws, List.of(oursWs), s -> idle(s, "ws", n));
        int large = options.idleLarge();
        if (large <= 0) {
            return;
        }
        long serverLimit = ProcInfo.maxOpenFiles(ours.pid());
        long ownLimit = limitPrefix.isEmpty()
                ? ProcInfo.maxOpenFiles(ProcessHandle.current().pid())
                : 200_000;
        int fits = idleThatFits(large, Math.min(serverLimit, ownLimit));
        idleLimitNote = fits >= large
                ? null
                : String.format(
                        Locale.ROOT,
                        "%,d connections need more file descriptors than allowed here (server %,d, load generator"
                                + " %,d; %s), so %s; run the bench where prlimit may raise the limit (root with"
                                + " CAP_SYS_RESOURCE, or docker run --ulimit nofile=200000:200000) to measure them",
                        large,
                        serverLimit,
                        ownLimit,
                        limitNote,
                        fits <= n
                                ? String.format(
                                        Locale.ROOT,
                                        "the %,d-connection figure is projected from the %,d WebSocket connections"
                                                + " above (RSS before + %d × the RSS per 10,000)",
                                        large,
                                        n,
                                        large / 10_000)
                                : String.format(
                                        Locale.ROOT,
                                        "%,d WebSocket connections (what fits) are measured and the %,d-connection"
                                                + " figure is projected from them",
                                        fits,
                                        large));
        if (idleLimitNote != null) {
            out.println("  idle: " + idleLimitNote + ".");
        }
        if (fits <= n) {
            return;
        }
        PerfPhase big = new PerfPhase(
                "idle-ws-large",
                String.format(Locale.ROOT, "idle: %,d WebSocket connections (ours)", fits),
                List.of(OURS),
                0,
                figures);
        rounds(big, List.of(oursWs), s -> idle(s, "ws", fits));
    }

    /**
     * How many idle connections of the large phase fit under {@code fdLimit} (the smaller of the
     * server's and the generator's open-file limits): {@code wanted}, or the largest multiple of
     * 10,000 that leaves 1,000 descriptors for everything else.
     */
    static int idleThatFits(int wanted, long fdLimit) {
        if (fdLimit < 0 || fdLimit >= (long) wanted + 1_000) {
            return wanted;
        }
        return (int) Math.max(0, (fdLimit - 1_000) / 10_000 * 10_000);
    }

    /** Set when the large idle phase could not hold all its connections here: what was done instead, and why. */
    private String idleLimitNote;

    /**
     * Server RSS with {@code options.idleLarge()} WebSocket connections: measured if they all fit,
     * else projected from the largest WebSocket idle run (RSS before + the RSS per 10,000 scaled).
     */
    private Double idleLargeRssMib() {
        PerfPhase big = phases.get("idle-ws-large");
        PerfPhase from = big != null ? big : phases.get("idle-ws");
        if (from == null) {
            return null;
        }
        if (idleLimitNote == null) {
            return from.median(OURS, "rss_mib");
        }
        Double before = from.median(OURS, "rss_before_mib");
        Double per10k = from.median(OURS, "per_10k_mib");
        return before == null || per10k == null ? null : before + per10k * options.idleLarge() / 10_000.0;
    }

    /** Opens {@code n} idle connections in a load generator and reads the server's RSS while they are open. */
    private Map<String, Double> idle(Side s, String transport, int n) throws Exception {
        long before = ProcInfo.rssKib(s.pid());
        List<String> args = List.of(
                "mode=idle",
                "proto=" + s.proto(),
                "transport=" + transport,
                "port=" + (transport.equals("ws") ? s.wsPort() : s.port()),
                "conns=" + n);
        Process p = startLoadgen(args);
        BlockingQueue<String> lines = forward(p);
        try {
            Map<String, Double> r = awaitResult(p, lines, Duration.ofMinutes(10));
            Thread.sleep(Math.round(options.idleSettle() * 1000));
            long with = ProcInfo.rssKib(s.pid());
            if (before < 0 || with < 0) {
                throw new IOException("cannot read VmRSS of pid " + s.pid());
            }
            Map<String, Double> figures = new LinkedHashMap<>(r);
            figures.put("rss_before_mib", before / 1024.0);
            figures.put("rss_mib", with / 1024.0);
            figures.put("per_10k_mib", (with - before) / 1024.0 * 10_000 / n);
            return figures;
        } finally {
            p.getOutputStream().close(); // the generator closes its connections and exits
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private void clusterPhases() throws Exception {
        List<Side> sides = new ArrayList<>();
        sides.add(new Single("single node", "nundb", ours.port(), ours.wsPort(), ours.pid()));
        for (String ack : List.of("lazy", "majority")) {
            try {
                sides.add(startCluster(ack));
            } catch (Exception e) {
                out.println("  the 3-node " + ack + " cluster did not start: " + e.getMessage());
            }
        }
        warmUp(sides.subList(1, sides.size()));
        throughputPhases("cluster-set", "SET", sides, 0, " (3-node clusters vs single node)");
        throughputPhases("cluster-get", "GET", sides, 0, " (3-node clusters vs single node)");
        notifyPhases("cluster-notify", sides, 0, ", write on the primary, watcher on a secondary");
    }

    // ---------------------------------------------------------------- the rounds

    /** Every round runs every side once, the order rotating by round so no server always goes first. */
    private void rounds(PerfPhase phase, List<Side> sides, Run run) {
        String loadStart = ProcInfo.loadAverage();
        out.printf("%s — load %s%n", phase.title(), loadStart);
        for (int round = 0; round < options.rounds(); round++) {
            for (int k = 0; k < sides.size(); k++) {
                Side s = sides.get((k + round) % sides.size());
                if (phase.failure(s.name()) != null) {
                    continue;
                }
                try {
                    Map<String, Double> r = run.run(s);
                    phase.round(s.name(), round, r);
                    out.printf(
                            "  round %d/%d %-16s %s; load %s%n",
                            round + 1, options.rounds(), s.name(), brief(r), ProcInfo.loadAverage());
                } catch (Exception e) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    phase.fail(s.name(), "round " + (round + 1) + ": " + why);
                    out.printf("  round %d/%d %-16s FAILED: %s%n", round + 1, options.rounds(), s.name(), why);
                }
            }
        }
        phase.load(loadStart, ProcInfo.loadAverage());
        phases.put(phase.id(), phase);
        out.println();
        out.println(phase.markdown());
    }

    private static String brief(Map<String, Double> r) {
        StringBuilder b = new StringBuilder();
        r.forEach((k, v) ->
                b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(Report.format(v)));
        return b.toString();
    }

    private static List<String> names(List<Side> sides) {
        return sides.stream().map(Side::name).toList();
    }

    // ---------------------------------------------------------------- targets

    private List<PerfTargets.Row> targets() {
        List<PerfTargets.Row> rows = new ArrayList<>();
        for (String op : List.of("set", "get")) {
            for (int depth : List.of(1, options.pipeline())) {
                PerfPhase p = phases.get(op + depth);
                rows.add(PerfTargets.ratioAtLeast(
                        op.toUpperCase(Locale.ROOT) + ", pipeline " + depth + ": ≥ 1.0× Redis",
                        p == null ? null : p.ratio(OURS, "ops_per_s"),
                        1.0));
            }
        }
        String[][] notify = {{"100", "paced 100/s"}, {"1000", "paced 1,000/s"}, {"b2b", "back-to-back"}};
        for (String[] n : notify) {
            PerfPhase p = phases.get("notify" + n[0]);
            rows.add(PerfTargets.ratioAtMost(
                    "write → watcher p99, " + n[1] + ": ≤ 1.0× Redis keyspace events",
                    p == null ? null : p.ratio(OURS, "p99_us"),
                    1.0));
        }
        for (String[] n : notify) {
            PerfPhase p = phases.get("notify" + n[0]);
            rows.add(PerfTargets.within(
                    "write → watcher p50, " + n[1] + ": within 30 µs of Redis",
                    p == null ? null : p.median(OURS, "p50_us"),
                    p == null ? null : p.median(REDIS, "p50_us"),
                    30,
                    "µs"));
        }
        PerfPhase fan = phases.get("fanout-10000");
        rows.add(PerfTargets.atMost(
                "fan-out to 10,000 WebSocket watchers, one node: last delivery p99 < 50 ms",
                fan == null ? null : fan.median("ours WebSocket", "last_p99_ms"),
                50,
                true,
                "ms"));
        if (options.idleLarge() > 0) {
            rows.add(PerfTargets.atMost(
                    String.format(
                                    Locale.ROOT,
                                    "idle: %,d WebSocket connections in < 2 GiB server RSS",
                                    options.idleLarge())
                            + (idleLimitNote == null ? "" : " (projected: " + idleLimitNote + ")"),
                    idleLargeRssMib(),
                    2048,
                    true,
                    "MiB"));
        }
        for (int depth : List.of(1, options.pipeline())) {
            PerfPhase p = phases.get("cluster-set" + depth);
            rows.add(PerfTargets.ratioAtLeast(
                    "cluster (3 nodes, lazy): SET pipeline " + depth + " ≥ 0.8× the single node",
                    p == null ? null : p.ratio("3-node lazy", "ops_per_s"),
                    0.8));
        }
        for (String[] n : notify) {
            PerfPhase p = phases.get("cluster-notify" + n[0]);
            rows.add(PerfTargets.atMost(
                    "cluster (3 nodes, lazy): primary → watcher on a secondary p99 ≤ 2 ms, " + n[1],
                    p == null || p.median("3-node lazy", "p99_us") == null
                            ? null
                            : p.median("3-node lazy", "p99_us") / 1000,
                    2,
                    false,
                    "ms"));
        }
        return rows;
    }

    // ---------------------------------------------------------------- servers

    private Path findJar() throws IOException {
        if (!options.jar().isEmpty()) {
            return Path.of(options.jar());
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith("nundb-jvm-") && n.endsWith(".jar") && !n.endsWith("-plain.jar");
                    })
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow(() ->
                            new IOException("no target/nundb-jvm-*.jar: run ./mvnw -q -B package -DskipTests first"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no target/ directory: run ./mvnw -q -B package -DskipTests first", e);
        }
    }

    private JarServer startOurs(String name, Map<String, String> clusterEnv) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        JarServer server = JarServer.start(
                name, jar, flags, dir.resolve("data"), work.resolve(name + ".log"), limitPrefix, clusterEnv, START);
        open.add(server);
        return server;
    }

    private static void createDb(JarServer server) throws IOException {
        Target admin = new Target(
                server.name(),
                "127.0.0.1",
                server.tcpPort(),
                new NunDbProtocol(JarServer.USER, JarServer.PASSWORD, DB, TOKEN));
        try (Connection c = Connection.open(admin)) {
            admin.protocol().prepare(c);
        }
    }

    private Side startRedis() throws Exception {
        java.util.Optional<Path> exe = RedisServer.find(options.redis());
        if (exe.isEmpty() || options.redis().equals("none")) {
            return null;
        }
        Path dir = Files.createDirectories(work.resolve("redis"));
        redisServer = RedisServer.start(exe.get(), dir, limitPrefix, List.of("--maxclients", "100000"));
        open.add(redisServer);
        return new Single(REDIS, "resp", redisServer.target().port(), 0, redisServer.pid());
    }

    /** Keyspace notifications on for the watcher phases only: they cost Redis a little on every write. */
    private void redisNotifications(boolean on) {
        if (redisServer == null) {
            return;
        }
        try (Connection c = Connection.open(redisServer.target())) {
            c.call("CONFIG", "SET", "notify-keyspace-events", on ? "KA" : "");
        } catch (IOException e) {
            out.println("  CONFIG SET notify-keyspace-events failed: " + e.getMessage());
        }
    }

    /** A 3-node cluster of jar processes; the side writes on its current primary and watches on a secondary. */
    private Side startCluster(String ack) throws Exception {
        long start = System.nanoTime();
        int[] clusterPorts = {FreePorts.pick(), FreePorts.pick(), FreePorts.pick()};
        List<String> members = new ArrayList<>();
        for (int p : clusterPorts) {
            members.add("127.0.0.1:" + p);
        }
        // The three start together: a node waits for its peers anyway, and JVM starts overlap.
        List<java.util.concurrent.CompletableFuture<JarServer>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("NUN_CLUSTER_ADDR", members.get(i));
            env.put("NUN_EXTERNAL_ADDR", members.get(i));
            env.put("NUN_REPLICATE_ADDR", String.join(",", members));
            env.put("NUN_CLUSTER_SECRET", "perf-cluster-secret");
            env.put("NUN_REPLICATION_ACK", ack);
            String name = ack + "-node" + i;
            starting.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return startOurs(name, env);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        List<JarServer> nodes = new ArrayList<>();
        try {
            for (java.util.concurrent.CompletableFuture<JarServer> f : starting) {
                nodes.add(f.join());
            }
        } catch (java.util.concurrent.CompletionException e) {
            // the other nodes of a cluster that cannot form would only take CPU from the phases left
            for (java.util.concurrent.CompletableFuture<JarServer> f : starting) {
                JarServer server = f.handle((s, error) -> s).join();
                if (server != null) {
                    open.remove(server);
                    server.close();
                }
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        long deadline = System.nanoTime() + START.toNanos();
        for (JarServer node : nodes) {
            while (!node.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(node.name() + " not ready within " + START + "; log " + node.log());
                }
                Thread.sleep(100);
            }
        }
        ClusterSide side = new ClusterSide("3-node " + ack, nodes);
        JarServer primary = side.primary();
        createDb(primary);
        for (JarServer node : nodes) {
            while (true) {
                try (LineSocket s = new LineSocket(node.tcpPort(), 10_000)) {
                    if (LineSocket.isOk(s.call("use-db " + DB + " " + TOKEN))) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(node.name() + " never got database " + DB);
                }
                Thread.sleep(50);
            }
        }
        out.printf(
                Locale.ROOT,
                "  started the 3-node %s cluster (pids %d, %d, %d; primary %s) in %.1f s%n",
                ack,
                nodes.get(0).pid(),
                nodes.get(1).pid(),
                nodes.get(2).pid(),
                primary.name(),
                (System.nanoTime() - start) / 1e9);
        return side;
    }

    private static final class ClusterSide implements Side {
        private final String name;
        private final List<JarServer> nodes;

        ClusterSide(String name, List<JarServer> nodes) {
            this.name = name;
            this.nodes = nodes;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String proto() {
            return "nundb";
        }

        /** The node that says it leads and is ready (asked anew: an election may have moved it). */
        JarServer primary() throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (JarServer node : nodes) {
                    try {
                        String info = LineSocket.find(node.admin("debug cluster"), "cluster-info ");
                        if (info != null && info.contains(" role=leader ") && info.contains(" ready=true")) {
                            return node;
                        }
                    } catch (IOException notNow) {
                        // starting or electing: ask again
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            throw new IOException(name + ": no ready primary within 60 s");
        }

        @Override
        public int port() throws IOException {
            return primary().tcpPort();
        }

        @Override
        public int watchPort() throws IOException {
            JarServer p = primary();
            return nodes.stream().filter(n -> n != p).findFirst().orElseThrow().tcpPort();
        }

        @Override
        public int wsPort() {
            throw new UnsupportedOperationException("no WebSocket phase on the cluster");
        }

        @Override
        public long pid() {
            return nodes.get(0).pid();
        }
    }

    // ---------------------------------------------------------------- the load generator process

    private Map<String, Double> loadgen(List<String> args) throws Exception {
        Process p = startLoadgen(args);
        BlockingQueue<String> lines = forward(p);
        try {
            return awaitResult(p, lines, Duration.ofMinutes(10));
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Process startLoadgen(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(limitPrefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.loadgenJvm());
        command.addAll(List.of("-cp", testClasses.toString(), LoadGen.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        work.resolve("loadgen.log").toFile()))
                .start();
    }

    /** Standard output of the generator, line by line, read on its own thread. */
    private static BlockingQueue<String> forward(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException closed) {
                        // the process ended
                    }
                    lines.add("\u0000EOF");
                },
                "perf-loadgen-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private Map<String, Double> awaitResult(Process p, BlockingQueue<String> lines, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                p.destroyForcibly();
                throw new IOException("the load generator gave no result within " + timeout);
            }
            if (ResultLine.isResult(line)) {
                return ResultLine.numbers(line);
            }
            if (ResultLine.isFailure(line)) {
                throw new IOException(line.substring(ResultLine.FAILED.length()).strip());
            }
            if (line.equals("\u0000EOF")) {
                throw new IOException("the load generator exited without a result (exit "
                        + (p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : -1) + "; see " + work.resolve("loadgen.log")
                        + " with -Dperf.keep=true)");
            }
            out.println("    loadgen: " + line);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void closeAll() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                out.println("closing failed: " + e);
            }
        }
        open.clear();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
