package io.nundb.bench;

import io.nundb.command.CommandExecutor;
import io.nundb.command.EnginePorts;
import io.nundb.command.Session;
import io.nundb.protocol.Response;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.Decision;
import io.nundb.storage.Journal;
import io.nundb.storage.Strategy;
import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.snapshot.RecoveryMode;
import io.nundb.storage.snapshot.SnapshotStore;
import io.nundb.storage.snapshot.Snapshotter;
import io.nundb.storage.snapshot.StartupRecovery;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Storage benchmark: acknowledged-write throughput and latency with 50 concurrent writers for each
 * fsync policy against the in-memory journal, first through the engine ({@code set} via {@link
 * CommandExecutor}), then over TCP (in-process listener, blocking clients); then fill, snapshot and
 * restart times for 1M keys of 100-byte values. Results: docs/storage.md.
 *
 * <pre>
 * MAVEN_OPTS=-Xmx4g ./mvnw -q -B -o test-compile org.codehaus.mojo:exec-maven-plugin:3.6.2:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=io.nundb.bench.StorageBench
 * </pre>
 *
 * System properties: {@code bench.writers} (50), {@code bench.seconds} (5 per policy), {@code
 * bench.keys} (1000000), {@code bench.dir} (a temp dir; must be on the disk under test), {@code
 * bench.parts} ({@code throughput,restart}).
 */
public final class StorageBench {

    private static final String VALUE = "x".repeat(100);

    private StorageBench() {}

    public static void main(String[] args) throws Exception {
        int writers = Smoke.integer("bench.writers", 50, 4);
        int seconds = Smoke.integer("bench.seconds", 5, 1);
        int keys = Smoke.integer("bench.keys", 1_000_000, 10_000);
        Smoke.announce(System.out);
        Path root = System.getProperty("bench.dir") == null
                ? Files.createTempDirectory("nundb-storage-bench")
                : Files.createDirectories(Path.of(System.getProperty("bench.dir")));
        System.out.printf(
                Locale.ROOT,
                "StorageBench: %d writers, %d s per journal, %d keys, data in %s, %d cores, max heap %d MB%n%n",
                writers,
                seconds,
                keys,
                root,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        String parts = System.getProperty("bench.parts", "throughput,restart");
        try {
            if (parts.contains("throughput")) {
                throughputTable(root, writers, seconds);
            }
            if (parts.contains("restart")) {
                bigStore(root.resolve("big"), keys);
            }
        } finally {
            deleteTree(root);
        }
    }

    private static void throughputTable(Path root, int writers, int seconds) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            System.out.println(
                    tcp
                            ? "Over TCP (" + writers
                                    + " connections, one blocking client thread each, in-process listener):"
                            : "Through the engine (" + writers
                                    + " threads calling CommandExecutor.execute and waiting):");
            System.out.println();
            System.out.println("| journal | acked writes/s | p50 ms | p99 ms | vs in-memory |");
            System.out.println("| --- | ---: | ---: | ---: | ---: |");
            double memory = 0;
            for (String mode : List.of("memory", "never", "interval", "always")) {
                Result r = throughput(root.resolve((tcp ? "tcp-" : "tp-") + mode), mode, writers, seconds, tcp);
                if (mode.equals("memory")) {
                    memory = r.perSecond;
                }
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %,.0f | %.2f | %.2f | %.0f %% |%n",
                        mode.equals("memory") ? "none (Journal.inMemory())" : "op log, fsync " + mode,
                        r.perSecond,
                        r.p50Ms,
                        r.p99Ms,
                        100 * r.perSecond / memory);
            }
            System.out.println();
        }
    }

    record Result(double perSecond, double p50Ms, double p99Ms) {}

    private static Result throughput(Path dir, String mode, int writers, int seconds, boolean tcp) throws Exception {
        OpLog opLog = null;
        Journal journal = Journal.inMemory();
        if (!mode.equals("memory")) {
            opLog = new OpLog(dir.resolve("oplog"), OpLogOptions.defaults().withFsync(FsyncPolicy.parse(mode)));
            journal = opLog;
        }
        WatchRegistry watches = new WatchRegistry();
        Databases databases = new Databases(journal, "pwd");
        if (opLog != null) {
            new StartupRecovery(dir, opLog, new SnapshotStore(dir.resolve("snapshots")), RecoveryMode.STRICT)
                    .recoverInto(databases);
        }
        databases.stateMachine().addListener(watches);
        CommandExecutor executor = new CommandExecutor(
                databases, watches, new AdminCredentials("nun", "pwd"), EnginePorts.standalone("bench"));
        Session admin = new Session("bench", m -> true);
        run(executor, admin, "auth nun pwd");
        run(executor, admin, "create-db bench bench-token");
        TcpListener listener = null;
        if (tcp) {
            listener = new TcpListener(executor, new DeliveryStats(), "127.0.0.1", 0, 1 << 20, 10_000);
            listener.start();
        }
        int port = tcp ? listener.port() : 0;
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        long[][] latencies = new long[writers][];
        int[] counts = new int[writers];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                Session s = new Session("bench", m -> true);
                long[] lat = new long[1 << 16];
                int n = 0;
                try (TcpLine client = tcp ? new TcpLine(port) : null) {
                    if (tcp) {
                        client.call("use-db bench bench-token");
                    } else {
                        run(executor, s, "use-db bench bench-token");
                    }
                    for (int i = 0; !stop.get(); i++) {
                        String command = "set k" + id + "-" + (i % 10_000) + " " + VALUE;
                        long t0 = System.nanoTime();
                        String outcome = tcp
                                ? client.call(command)
                                : ok(executor.execute(s, command).get(30, TimeUnit.SECONDS));
                        long took = System.nanoTime() - t0;
                        if (!outcome.equals("ok ")) {
                            throw new IllegalStateException("set failed: " + outcome);
                        }
                        if (measuring.get()) {
                            if (n == lat.length) {
                                lat = Arrays.copyOf(lat, n * 2);
                            }
                            lat[n++] = took;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                latencies[id] = lat;
                counts[id] = n;
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(1_000); // warm-up, not measured
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < writers; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        Arrays.sort(all);
        if (listener != null) {
            listener.stop();
        }
        if (opLog != null) {
            opLog.close();
        }
        if (total == 0) {
            // no write was acked while measuring (a short run on a busy machine): no percentiles to show
            return new Result(0, Double.NaN, Double.NaN);
        }
        return new Result(
                total / (elapsed / 1e9),
                all[(int) (total * 0.50)] / 1e6,
                all[Math.min(total - 1, (int) (total * 0.99))] / 1e6);
    }

    private static String ok(Response r) {
        return r.isOk() ? "ok " : "error " + r.error();
    }

    /** A blocking client: one command, reply lines up to {@code ok }/{@code error}. */
    private static final class TcpLine implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        TcpLine(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            in.readLine(); // greeting
        }

        String call(String command) throws IOException {
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("closed");
                }
                if (line.equals("ok ") || line.startsWith("error")) {
                    return line;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void run(CommandExecutor executor, Session s, String command) throws Exception {
        Response r = executor.execute(s, command).get(30, TimeUnit.SECONDS);
        if (!r.isOk()) {
            throw new IllegalStateException(command + ": " + r.error());
        }
    }

    /** Fills {@code keys} keys, then times: restart from the op log alone, a snapshot, restart from it. */
    private static void bigStore(Path dir, int keys) throws Exception {
        Store store = Store.open(dir);
        long t0 = System.nanoTime();
        store.databases.create("big", "tok", Strategy.NONE).get();
        Database db = store.databases.get("big");
        CompletableFuture<Long> last = null;
        for (int i = 0; i < keys; i++) {
            last = db.mutate("key-" + i, c -> new Decision.Put(VALUE, 0)).durable();
        }
        last.get(120, TimeUnit.SECONDS);
        double fillS = (System.nanoTime() - t0) / 1e9;
        long logBytes = store.opLog.totalBytes();
        store.opLog.close();
        store = null;
        System.gc();

        long t1 = System.nanoTime();
        store = Store.open(dir);
        double replayS = (System.nanoTime() - t1) / 1e9;
        check(store, keys);

        long t2 = System.nanoTime();
        SnapshotStore.SnapshotInfo info = store.snapshotter.snapshot(false).get(300, TimeUnit.SECONDS);
        double snapshotS = (System.nanoTime() - t2) / 1e9;
        store.opLog.close();
        store = null;
        System.gc();

        long t3 = System.nanoTime();
        store = Store.open(dir);
        double restartS = (System.nanoTime() - t3) / 1e9;
        check(store, keys);
        store.opLog.close();

        System.out.printf(Locale.ROOT, "| %,d keys of 100-byte values | seconds | size |%n", keys);
        System.out.println("| --- | ---: | ---: |");
        System.out.printf(
                Locale.ROOT,
                "| fill through the op log (fsync interval) | %.2f | %,d MB log |%n",
                fillS,
                logBytes >> 20);
        System.out.printf(Locale.ROOT, "| restart replaying the op log only | %.2f | |%n", replayS);
        System.out.printf(Locale.ROOT, "| snapshot | %.2f | %,d MB |%n", snapshotS, info.bytes() >> 20);
        System.out.printf(Locale.ROOT, "| restart from the snapshot | %.2f | |%n", restartS);
    }

    private static void check(Store store, int keys) {
        int size = store.databases.get("big").size() - 1;
        if (size != keys) {
            throw new IllegalStateException("recovered " + size + " keys, expected " + keys);
        }
    }

    private record Store(OpLog opLog, Databases databases, Snapshotter snapshotter) {
        static Store open(Path dir) {
            OpLog opLog = new OpLog(dir.resolve("oplog"), OpLogOptions.defaults());
            SnapshotStore snapshots = new SnapshotStore(dir.resolve("snapshots"));
            StartupRecovery recovery = new StartupRecovery(dir, opLog, snapshots, RecoveryMode.STRICT);
            Databases databases = new Databases(opLog, "pwd");
            recovery.recoverInto(databases);
            return new Store(
                    opLog,
                    databases,
                    new Snapshotter(databases, opLog, snapshots, Duration.ofHours(1), recovery.snapshotIndex()));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
