package io.nundb.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nundb.bench.Smoke;
import io.nundb.durability.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes every door of a real server process (TCP, WebSocket, HTTP {@code POST /}, REST/SSE,
 * RSocket) for {@code -Dfuzz.seconds} (default 60; 3 at most with {@value Smoke#VARIABLE}=1): first all doors at once with grammar commands
 * and noise while a {@link Bystander} checks its answers, then the {@link RefusalOracle} one input
 * at a time. Asserts: the process is alive and ready, the bystander got only correct answers
 * (during and after), no stack trace in the server's output, the heap after a full GC within
 * 64 MB of where it started, and no refused input changed anything. The seed is printed and part
 * of every failure message; {@code -Dfuzz.seed=<seed>} replays each door's input sequence (the
 * interleaving of the concurrent phase is up to the scheduler).
 */
class FuzzHarnessTest {

    /** Small, so that values near and above it are cheap to send many times. */
    static final int MAX_VALUE = 65_536;

    /** The fuzzing time with {@value Smoke#VARIABLE}=1, and the most it allows. */
    static final int SMOKE_SECONDS = 3;

    /** Where the server's output of the last run is kept. */
    static final Path KEPT_LOG = Path.of("target", "fuzz", "server.log");

    @TempDir
    Path dir;

    @Test
    void everyDoorSurvivesGrammarAndRandomInputs() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        // under the smoke switch (the docs walk runs docs/security.md's commands) a few seconds, at most
        int seconds = Smoke.integer("fuzz.seconds", 60, SMOKE_SECONDS);
        Smoke.announce(System.out);
        // the timeout follows fuzz.seconds: start, drains, GC and the phases' own waits on top
        assertTimeoutPreemptively(Duration.ofSeconds(2L * seconds + 600), () -> fuzz(seed, seconds));
    }

    private void fuzz(long seed, int seconds) throws Exception {
        System.out.println("fuzz seed " + seed + " for " + seconds + " s (replay: -Dfuzz.seed=" + seed + ")");
        List<String> problems = new ArrayList<>();
        try {
            fuzz(seed, seconds, problems);
        } finally {
            // kept for a look after the run (also when it failed): the temp dir goes with the test
            Path log = dir.resolve("server.log");
            if (java.nio.file.Files.exists(log)) {
                java.nio.file.Files.createDirectories(KEPT_LOG.getParent());
                java.nio.file.Files.copy(log, KEPT_LOG, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertThat(problems)
                .as("fuzz seed %d (replay with -Dfuzz.seed=%d -Dfuzz.seconds=%d)", seed, seed, seconds)
                .isEmpty();
    }

    private void fuzz(long seed, int seconds, List<String> problems) throws Exception {
        try (FuzzNode node = FuzzNode.start(
                        dir,
                        // a cheap secret hash, as the other tests use: every REST request with
                        // random credentials costs one hash, and at the default 210,000 iterations a
                        // fuzz flood queues minutes of hashing on 2 cores (docs/security.md)
                        Map.of("NUN_MAX_VALUE", Integer.toString(MAX_VALUE), "NUN_SECRET_HASH_ITERATIONS", "1000"),
                        Stream.concat(
                                        ServerProcess.TEST_JVM_OPTIONS.stream().filter(o -> !o.startsWith("-Xmx")),
                                        Stream.of("-Xmx256m"))
                                .toList());
                Sockets sockets = new Sockets()) {
            List<String> dbs = List.of("fz1", "fz2", "fz3");
            List<String> tokens = List.of("t1", "t2", "t3", FuzzNode.PASSWORD);
            RefusalOracle oracle = new RefusalOracle(node, MAX_VALUE);
            SplittableRandom root = new SplittableRandom(seed);
            try (TcpText admin = new TcpText(node.tcpPort())) {
                admin.call("auth " + FuzzNode.ADMIN + " " + FuzzNode.PASSWORD);
                admin.call("create-db fz1 t1 none");
                admin.call("create-db fz2 t2 newer");
                admin.call("create-db fz3 t3 arbiter");
                admin.call("create-db " + Bystander.DB + " " + Bystander.TOKEN);
                oracle.prepare(admin, root.nextBoolean() ? "none" : "newer");
            }
            node.collectGarbage();
            long heapBefore = node.heapUsed();

            long chaosEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds * 6L / 10);
            Bystander bystander = new Bystander(node);
            Chaos chaos = new Chaos(node, sockets, MAX_VALUE, dbs, tokens);
            RSocketChaos rsocket = new RSocketChaos(node, sockets, MAX_VALUE, dbs, tokens);
            AtomicLong heapPeak = new AtomicLong();
            AtomicReference<Throwable> crashed = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Runnable> fuzzers = List.of(
                    () -> chaos.tcp(root.split(), chaosEnd),
                    () -> chaos.webSocket(root.split(), chaosEnd),
                    () -> chaos.http(root.split(), chaosEnd),
                    () -> rsocket.run(root.split(), chaosEnd),
                    () -> bystander.run(chaosEnd),
                    () -> sampleHeap(node, heapPeak, chaosEnd));
            for (Runnable f : fuzzers) {
                pool.execute(() -> {
                    try {
                        f.run();
                    } catch (Throwable t) {
                        crashed.compareAndSet(null, t);
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS)) {
                problems.add("a fuzzer did not stop (a door hangs?)");
                pool.shutdownNow();
            }
            sockets.closeAll();
            if (crashed.get() != null) {
                problems.add("a fuzzer thread failed: " + crashed.get());
            }
            problems.addAll(bystander.failures());
            System.out.println("chaos: bystander rounds " + bystander.rounds() + ", heap peak "
                    + heapPeak.get() / (1 << 20) + " MB");

            if (node.isAlive()) {
                awaitQuiet(node);
                oracle.run(root.split(), System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds * 4L / 10));
                problems.addAll(oracle.violations());
                System.out.println("oracle: " + oracle.inputs() + " inputs, " + oracle.refused() + " refused");
                assertThat(oracle.inputs()).as("oracle inputs").isPositive();

                Bystander after = new Bystander(node);
                after.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(3));
                problems.addAll(after.failures());
                if (after.rounds() == 0) {
                    problems.add("the bystander got no answer after the fuzz");
                }
                if (!node.ready()) {
                    problems.add("/readyz is not 200 after the fuzz");
                }
                node.collectGarbage();
                long heapAfter = node.heapUsed();
                System.out.println("heap after GC: before " + heapBefore / (1 << 20) + " MB, after "
                        + heapAfter / (1 << 20) + " MB");
                if (heapAfter > heapBefore + (64L << 20)) {
                    problems.add("heap grew from " + heapBefore + " to " + heapAfter + " bytes after a full GC");
                }
            } else {
                problems.add("the server process died:\n" + tail(node.log()));
            }
            List<String> stacks = node.stackTraces();
            if (!stacks.isEmpty()) {
                problems.add("stack traces in the server log:\n"
                        + String.join("\n", stacks.subList(0, Math.min(60, stacks.size()))));
            }
            long logBytes = node.log().length();
            System.out.println("server log: " + logBytes + " chars");
            if (logBytes > (4L << 20)) {
                problems.add("the server logged " + logBytes + " chars: client errors should be rate limited");
            }
        }
    }

    private static void sampleHeap(FuzzNode node, AtomicLong peak, long until) {
        while (System.nanoTime() < until && node.isAlive()) {
            try {
                peak.accumulateAndGet(node.heapUsed(), Math::max);
                Thread.sleep(1_000); // a sampling period, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception busy) {
                // the HTTP door may refuse under the flood; the next sample will tell
            }
        }
    }

    /** Waits until writes the fuzzers left in flight have landed: the digest stops changing. */
    private static void awaitQuiet(FuzzNode node) throws Exception {
        try (TcpText admin = new TcpText(node.tcpPort(), RefusalOracle.TRUSTED_SOURCE)) {
            admin.call("auth " + FuzzNode.ADMIN + " " + FuzzNode.PASSWORD);
            String[] last = {""};
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        String now = String.join("", admin.call("debug digest"));
                        boolean same = now.equals(last[0]);
                        last[0] = now;
                        return same;
                    });
        }
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}
