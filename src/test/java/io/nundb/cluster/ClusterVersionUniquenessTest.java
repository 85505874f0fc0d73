package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.node.NunDbNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The property ClusterFailoverProcessTest's watcher checks, on every node and under repeated
 * failovers of the in-process cluster in majority mode: each (key, version) is given one value
 * wherever and whenever it is applied, and on each node a key's versions only go up. Writers
 * {@code set} a few keys (always "the next version") through random nodes while a nemesis isolates,
 * crashes and cuts off primaries one after another, so that nodes are truncated again and again
 * (a node that misses a committed write and then decides as the primary gives a version a second
 * value; one that applies an entry the log then drops tells its watchers of a value that never
 * was). What nodes apply is seen where watchers hear of it: a listener on each node's state machine.
 *
 * <p>One round by default (about 10 s); seed, rounds and workload length are properties:
 *
 * <pre>
 * ./mvnw -B -q test -Dtest=ClusterVersionUniquenessTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Ddupver.rounds=10 -Ddupver.seed=42 -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 *
 * The seed fixes the choices (nodes, faults, message loss), not the thread interleaving.
 */
class ClusterVersionUniquenessTest {

    private static final int ROUNDS = Integer.getInteger("dupver.rounds", 1);
    private static final long SEED = Long.getLong("dupver.seed", System.nanoTime());
    private static final Duration WORKLOAD = Duration.ofMillis(Long.getLong("dupver.workload.ms", 6000));
    private static final long OP_TIMEOUT_MS = 3000;
    private static final List<String> KEYS = List.of("w0", "w1", "w2");

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void everyVersionOfAKeyHasOneValueOnEveryNodeUnderRepeatedFailovers() throws Exception {
        System.out.printf("ClusterVersionUniquenessTest: %d rounds, -Ddupver.seed=%d%n", ROUNDS, SEED);
        for (int r = 0; r < ROUNDS; r++) {
            new Round(dir.resolve("r" + r), SEED + r).run();
        }
    }

    /** One run: a fresh cluster, writers under the nemesis, healing and the checks. */
    private static final class Round {
        private static final int SIZE = 3;
        private final Path dir;
        private final long seed;
        // "key@version" -> the value first applied with it, and by which node
        private final Map<String, String> valueOf = new ConcurrentHashMap<>();
        private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final List<String> faults = new ArrayList<>();
        private volatile boolean stop;
        private MiniCluster c;

        Round(Path dir, long seed) {
            this.dir = dir;
            this.seed = seed;
        }

        void run() throws Exception {
            try (MiniCluster cluster = new MiniCluster(dir, SIZE, AckMode.MAJORITY, seed)) {
                c = cluster;
                for (int i = 0; i < SIZE; i++) {
                    watch(i);
                }
                c.createDb("app", "app-token");

                Random choices = new Random(seed);
                List<Runnable> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    Random random = new Random(choices.nextLong());
                    String name = "c" + w;
                    writers.add(() -> write(name, random));
                }
                MiniCluster.whileClientsRun(
                        writers,
                        "dupver-writer",
                        () -> nemesis(new Random(choices.nextLong())),
                        () -> stop = true,
                        Duration.ofMillis(3 * OP_TIMEOUT_MS + 2000));
                c.healAndStartAll().forEach(this::watch);
                c.awaitPrimary(Duration.ofSeconds(30));
                c.awaitConverged(Duration.ofSeconds(30));
                System.out.printf(
                        "  round seed=%d: writes %s; faults %s; truncated %s; versions applied %d%n",
                        seed,
                        new TreeMap<>(counts),
                        faults,
                        IntStream.range(0, SIZE)
                                .mapToObj(i -> c.status(i).truncatedEntries())
                                .toList(),
                        valueOf.size());
                assertThat(counts.getOrDefault("ok", new AtomicInteger()).get())
                        .as("writes went through")
                        .isPositive();
                assertThat(problems)
                        .as("one value per version, versions only going up (seed %d)", seed)
                        .isEmpty();
            }
        }

        /** Records what node {@code i} (this run of it) applies to the written keys. */
        private void watch(int i) {
            NunDbNode node = c.node(i);
            Map<String, Integer> last = new ConcurrentHashMap<>();
            node.databases().stateMachine().addListener((entry, key, value) -> {
                if (!"app".equals(entry.db()) || !KEYS.contains(key) || value.deleted()) {
                    return;
                }
                String was = valueOf.putIfAbsent(key + "@" + value.version(), value.value());
                if (was != null && !was.equals(value.value())) {
                    problems.add("node " + i + " applied " + key + " version " + value.version() + " = " + value.value()
                            + " (index " + entry.index() + "), which was " + was + " before");
                }
                Integer before = last.put(key, value.version());
                if (before != null && before >= value.version()) {
                    problems.add("node " + i + " applied " + key + " version " + value.version() + " = " + value.value()
                            + " (index " + entry.index() + ") after version " + before);
                }
            });
        }

        /** One client: {@code set} with unique values through a random node, a new session after a failure. */
        private void write(String name, Random random) {
            ClusterClient client = null;
            NunDbNode bound = null;
            int seq = 0;
            while (!stop) {
                NunDbNode n = c.node(random.nextInt(SIZE));
                if (n != null && (client == null || n != bound)) {
                    ClusterClient fresh = new ClusterClient(n);
                    if ("ok \n".equals(call(fresh, "use-db app app-token"))) {
                        client = fresh;
                        bound = n;
                    }
                }
                if (client != null && bound == n) {
                    String key = KEYS.get(random.nextInt(KEYS.size()));
                    String reply = call(client, "set " + key + " " + name + "-" + seq++);
                    String outcome = reply == null
                            ? "no-reply"
                            : reply.equals("ok \n") ? "ok" : reply.contains("may or may not") ? "unknown" : "error";
                    counts.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    if (reply == null) {
                        client = null;
                    }
                }
                try {
                    Thread.sleep(1 + random.nextInt(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private static String call(ClusterClient on, String command) {
            try {
                return on.sendAsync(command).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (Exception e) {
                return null;
            }
        }

        /** Faults one after another, mostly at the primary, with short calm spells between. */
        private void nemesis(Random random) throws InterruptedException {
            long end = System.nanoTime() + WORKLOAD.toNanos();
            Thread.sleep(200);
            while (System.nanoTime() < end) {
                long hold = 150 + random.nextInt(600);
                int p = c.primaryOrNone();
                switch (random.nextInt(6)) {
                    case 0 -> {
                        if (c.isolatePrimaryFor(hold)) {
                            faults.add("isolate-primary");
                        }
                    }
                    case 1 -> {
                        if (p >= 0) {
                            faults.add("crash-primary");
                            c.crash(p);
                            Thread.sleep(hold);
                            c.start(p);
                            watch(p);
                        }
                    }
                    case 2 -> {
                        faults.add("split");
                        c.splitFor(random, hold);
                    }
                    case 3 -> {
                        faults.add("lossy");
                        c.network.dropRate(0.2 + random.nextDouble() * 0.3);
                        Thread.sleep(hold);
                        c.network.dropRate(0);
                    }
                    default -> {
                        // primaries cut off one after another on a lossy network: each new one may
                        // be gone before it commits, so followers are truncated again and again
                        // before they learn what is committed
                        faults.add("churn");
                        c.network.dropRate(0.3);
                        for (int n = 0; n < 4; n++) {
                            int q = c.primaryOrNone();
                            if (q >= 0) {
                                c.network.isolate(c.id(q));
                            }
                            Thread.sleep(100 + random.nextInt(300));
                            c.network.heal();
                            Thread.sleep(random.nextInt(150));
                        }
                        c.network.dropRate(0);
                    }
                }
                Thread.sleep(50 + random.nextInt(300));
            }
        }
    }
}
