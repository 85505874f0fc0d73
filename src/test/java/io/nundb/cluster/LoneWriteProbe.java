package io.nundb.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A measuring tool, not a test: an in-process 3-node cluster (default election timeout, so
 * heartbeats every 50 ms) takes one write at a time on the primary; each write's time from sending
 * to being applied on <em>both</em> secondaries is recorded, and the next write goes out only
 * then (back-to-back lone writes, as the perf bench's secondary-watcher run does). A write that
 * waits for a heartbeat shows as a ~50 ms outlier. Prints p50/p90/p99/max and writes per second.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<deps> io.nundb.cluster.LoneWriteProbe
 * [lazy|majority] [writes]}. Threads: the caller's, plus the nodes' own.
 */
final class LoneWriteProbe {

    private LoneWriteProbe() {}

    /**
     * {@code count} writes with 64 in flight at a time: Raft messages delivered per write (appends,
     * acks, commit notices, heartbeats) — how well the nodes batch under load, a count not a time.
     */
    private static void burst(MiniCluster c, ClusterClient writer, int count) {
        long before = c.network.delivered();
        java.util.ArrayDeque<java.util.concurrent.CompletableFuture<String>> inFlight = new java.util.ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            if (inFlight.size() >= 64) {
                inFlight.poll().join();
            }
            inFlight.add(writer.sendAsync("set b" + (i % 1000) + " v" + i));
        }
        inFlight.forEach(java.util.concurrent.CompletableFuture::join);
        c.awaitConverged(Duration.ofSeconds(60));
        System.out.printf(
                Locale.ROOT,
                "burst: %d writes, 64 in flight: %.2f Raft messages delivered per write%n",
                count,
                (c.network.delivered() - before) / (double) count);
    }

    public static void main(String[] args) throws Exception {
        AckMode ack = args.length > 0 ? AckMode.valueOf(args[0].toUpperCase(Locale.ROOT)) : AckMode.MAJORITY;
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path dir = Files.createTempDirectory("lone-write-probe");
        try (MiniCluster c = new MiniCluster(dir, 3, ack, 1, Duration.ofMillis(1000))) {
            int p = c.awaitPrimary();
            ClusterClient writer = new ClusterClient(c.node(p));
            writer.send("auth nun mini-pwd");
            writer.send("create-db app app-token");
            writer.send("use-db app app-token");
            int s1 = (p + 1) % 3;
            int s2 = (p + 2) % 3;
            long[] nanos = new long[writes];
            int warmup = Math.min(200, writes);
            long start = 0;
            for (int i = -warmup; i < writes; i++) {
                if (i == 0) {
                    start = System.nanoTime();
                }
                long t0 = System.nanoTime();
                writer.send("set k v" + i);
                long index = c.node(p).cluster().status().appliedIndex();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
                while (c.status(s1).appliedIndex() < index || c.status(s2).appliedIndex() < index) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("write " + i + " not applied on the secondaries in 10 s");
                    }
                    LockSupport.parkNanos(20_000);
                }
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - t0;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            burst(c, writer, writes * 20);
            Arrays.sort(nanos);
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d lone writes, write -> applied on both secondaries: p50 %.0f us, p90 %.0f us,"
                            + " p99 %.0f us, max %.0f us; %d over 25 ms; %.0f writes/s%n",
                    ack.name().toLowerCase(Locale.ROOT),
                    writes,
                    nanos[writes / 2] / 1e3,
                    nanos[(int) (writes * 0.9)] / 1e3,
                    nanos[(int) (writes * 0.99)] / 1e3,
                    nanos[writes - 1] / 1e3,
                    Arrays.stream(nanos).filter(n -> n > 25_000_000).count(),
                    writes / seconds);
        }
    }
}
