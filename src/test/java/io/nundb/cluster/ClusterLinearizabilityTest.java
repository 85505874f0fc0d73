package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.lincheck.CheckResult;
import io.nundb.lincheck.History;
import io.nundb.lincheck.LinearizabilityChecker;
import io.nundb.lincheck.Op;
import io.nundb.lincheck.Operation;
import io.nundb.lincheck.Output;
import io.nundb.lincheck.RegisterModel;
import io.nundb.node.NunDbNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jepsen-style runs on the in-process cluster in majority mode: concurrent clients, each bound to
 * a random node (writes sent to a secondary are forwarded), do {@code set}, {@code remove}, {@code
 * set-safe} and reads on a handful of keys while a nemesis isolates the primary, splits the
 * cluster, drops, delays, duplicates and reorders messages, crashes nodes and takes snapshots (the
 * op log is small, so a node left behind catches up by snapshot). After healing, the cluster must converge,
 * every key's history must be linearizable, and every acknowledged write must be in the final state
 * (or superseded by a later write).
 *
 * <p>Mapping to the register model ({@link RegisterModel}, versions start at -1 so that the first
 * {@code set} makes version 0 as in NunDB, reference §4.2):
 *
 * <ul>
 *   <li>{@code set k v} (values unique) is a write; {@code remove k} a remove. {@code ok} → ok; an
 *       error saying it was not applied ({@code no primary available … not applied}, {@code … not
 *       kept; it was not applied}, {@code not the primary}) → fail (did not happen); {@code may or
 *       may not have been applied}, any other error, an exception or a timeout → unknown.
 *   <li>{@code set-safe k V v} is a compare-and-set. NunDB stores it iff {@code V >= current
 *       version} (then the version becomes V+1); a client here only sends a V that it read from
 *       the key with {@code get-safe}, and the "cas keys" are never removed, so V is never above the
 *       current version and NunDB's rule is exactly "swap iff V == current, new version V+1" — the
 *       model's CAS. {@code Invalid version!} is therefore an answer (not swapped), not a refusal.
 *   <li>Removes are only used on the other keys, where versions are never looked at (NunDB drops a
 *       never-persisted key on remove, which would restart its numbering).
 * </ul>
 *
 * <p>Reads: a plain {@code get} answers from the node's local state, which a secondary or a
 * deposed primary may have stale, so it is not linearizable by design. The test makes reads
 * linearizable without touching main code, like Raft's read index: a read first writes a sentinel
 * key (one per client) through the log, checks that the node shows the sentinel (it has applied at
 * least up to it), and only then reads the key locally. In majority mode memory holds only
 * committed entries, and the sentinel was committed after the read was invoked, so the state read
 * is at least as new as every write that completed before the read began. Reads whose sentinel did
 * not make it are dropped (a read changes nothing).
 *
 * <p>One round per cluster size by default (a round is 5 s of workload, about 6 to 9 s in all);
 * the seed is printed; rounds, seed and workload length ({@code -Dlin.workload.ms}) are properties.
 * A longer run:
 *
 * <pre>
 * ./mvnw -B -q test -Dtest=ClusterLinearizabilityTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dlin.rounds=20 -Dlin.seed=42 -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 *
 * The seed fixes the choices (nodes, keys, operations, faults, message loss), not the thread
 * interleaving, so a replay is likely but not certain to repeat a failure.
 */
class ClusterLinearizabilityTest {

    private static final int ROUNDS = Integer.getInteger("lin.rounds", 1);
    private static final long SEED = Long.getLong("lin.seed", System.nanoTime());
    private static final Duration WORKLOAD = Duration.ofMillis(Long.getLong("lin.workload.ms", 5000));
    private static final long OP_TIMEOUT_MS = 4000;
    private static final List<String> CAS_KEYS = List.of("a0", "a1", "a2");
    private static final List<String> REMOVE_KEYS = List.of("r0", "r1", "r2");

    @TempDir
    Path dir;

    @Test
    @Timeout(150)
    void threeNodesInMajorityModeStayLinearizableUnderFaults() throws Exception {
        rounds(3, 5);
    }

    @Test
    @Timeout(150)
    void fiveNodesInMajorityModeStayLinearizableUnderFaults() throws Exception {
        rounds(5, 6);
    }

    private void rounds(int size, int clients) throws Exception {
        System.out.printf("ClusterLinearizabilityTest: %d nodes, %d rounds, -Dlin.seed=%d%n", size, ROUNDS, SEED);
        for (int r = 0; r < ROUNDS; r++) {
            long seed = SEED + 1000L * size + r;
            new Round(dir.resolve(size + "-" + r), size, clients, seed).run();
        }
    }

    private enum Fate {
        OK,
        FAIL,
        UNKNOWN
    }

    /** One run: a fresh cluster, the workload under the nemesis, healing and the checks. */
    private static final class Round {
        private final Path dir;
        private final int size;
        private final int clients;
        private final long seed;
        private final History history = new History();
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final List<String> faults = new ArrayList<>();
        private volatile boolean stop;
        private MiniCluster c;

        Round(Path dir, int size, int clients, long seed) {
            this.dir = dir;
            this.size = size;
            this.clients = clients;
            this.seed = seed;
        }

        void run() throws Exception {
            long started = System.nanoTime();
            // a small op log, so that snapshots drop entries and a node left behind gets a snapshot
            try (MiniCluster cluster = new MiniCluster(
                    dir, size, AckMode.MAJORITY, seed, Duration.ofMillis(300), MiniCluster.SMALL_OP_LOG)) {
                c = cluster;
                c.createDb("app", "app-token");

                Random choices = new Random(seed);
                List<Runnable> workers = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    workers.add(new Worker("c" + i, choices.nextInt(size), new Random(choices.nextLong()))::loop);
                }
                MiniCluster.whileClientsRun(
                        workers,
                        "lin-client",
                        () -> nemesis(new Random(choices.nextLong())),
                        () -> stop = true,
                        Duration.ofMillis(3 * OP_TIMEOUT_MS + 2000));
                c.healAndStartAll();
                long healed = System.nanoTime();
                int primary = c.awaitPrimary(Duration.ofSeconds(30));
                c.awaitConverged(Duration.ofSeconds(30));
                long converged = System.nanoTime();

                Map<String, String> finalValues = finalReads(primary);
                long checkStart = System.nanoTime();
                CheckResult verdict =
                        new LinearizabilityChecker(new RegisterModel(-1)).checkHistory(history, Duration.ofSeconds(60));
                long checked = System.nanoTime();
                System.out.printf(
                        "  round seed=%d: %d ops %s; faults %s; converged %d ms after healing; check %s in %d ms;"
                                + " round %d ms; truncated %s%n",
                        seed,
                        history.operations().size(),
                        new TreeMap<>(counts),
                        faults,
                        ms(converged - healed),
                        verdict.ok() ? "OK" : verdict.verdict() + " (" + verdict.key() + ")",
                        ms(checked - checkStart),
                        ms(checked - started),
                        IntStream.range(0, size)
                                .mapToObj(i -> c.status(i).truncatedEntries())
                                .toList());
                assertThat(verdict.ok())
                        .as("linearizable (seed %d); counterexample:%n%s", seed, verdict)
                        .isTrue();
                for (String key : finalValues.keySet()) {
                    assertAcknowledgedWritesKept(key, finalValues.get(key));
                }
            }
        }

        /**
         * Faults one after another, each held a while and then lifted, with calm spells between;
         * on the test thread.
         */
        private void nemesis(Random random) throws InterruptedException {
            long end = System.nanoTime() + WORKLOAD.toNanos();
            Thread.sleep(300);
            while (System.nanoTime() < end) {
                long hold = 300 + random.nextInt(900);
                switch (random.nextInt(8)) {
                    case 0 -> {
                        if (c.isolatePrimaryFor(hold)) {
                            faults.add("isolate-primary");
                        }
                    }
                    case 1 -> {
                        faults.add("split");
                        c.splitFor(random, hold);
                    }
                    case 2 -> {
                        faults.add("lossy");
                        c.network.dropRate(0.1 + random.nextDouble() * 0.2);
                        c.network.delay(0, 20);
                        Thread.sleep(hold);
                        c.network.dropRate(0);
                        c.network.delay(0, 0);
                    }
                    case 3 -> {
                        faults.add("reorder-duplicate");
                        c.network.reorder(true);
                        c.network.duplicateRate(0.1);
                        c.network.delay(0, 10);
                        Thread.sleep(hold);
                        c.network.reorder(false);
                        c.network.duplicateRate(0);
                        c.network.delay(0, 0);
                    }
                    case 4 -> {
                        int victim = random.nextInt(size);
                        faults.add("crash-" + (victim == leader() ? "primary" : "secondary"));
                        c.crash(victim);
                        Thread.sleep(hold);
                        c.start(victim);
                    }
                    case 5 -> {
                        // compound: primary cut off while a secondary restarts (3 nodes: no majority for a while)
                        int p = leader();
                        int victim = random.nextInt(size);
                        if (p >= 0 && victim != p && size >= 3) {
                            faults.add("isolate-primary+crash-secondary");
                            c.network.isolate(c.id(p));
                            c.crash(victim);
                            Thread.sleep(hold / 2);
                            c.start(victim);
                            Thread.sleep(hold / 2);
                            c.network.heal();
                        }
                    }
                    case 6 -> {
                        int p = leader();
                        if (p >= 0) {
                            faults.add("snapshot");
                            snapshot(p);
                            int victim = random.nextInt(size);
                            if (victim != p) {
                                faults.add("crash-secondary");
                                c.crash(victim);
                                Thread.sleep(hold);
                                snapshot(leader());
                                c.start(victim);
                            }
                        }
                    }
                    default -> {
                        int p = leader();
                        if (p >= 0) {
                            faults.add("crash-primary");
                            c.crash(p);
                            Thread.sleep(hold);
                            c.start(p);
                        }
                    }
                }
                Thread.sleep(200 + random.nextInt(600));
            }
        }

        /** Takes a snapshot on node {@code i} (its covered op-log segments go); best effort. */
        private void snapshot(int i) {
            NunDbNode n = i < 0 ? null : c.node(i);
            if (n == null) {
                return;
            }
            ClusterClient admin = new ClusterClient(n);
            try {
                admin.sendAsync("auth nun mini-pwd").get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                admin.sendAsync("use-db app app-token").get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                count("snapshot "
                        + admin.sendAsync("snapshot")
                                .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                                .strip());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                count("snapshot failed");
            }
        }

        private int leader() {
            return c.primaryOrNone();
        }

        /** After convergence: one more read of every key, on the primary, added to the history. */
        private Map<String, String> finalReads(int primary) {
            ClusterClient client = new ClusterClient(c.node(primary));
            assertThat(client.send("use-db app app-token")).isEqualTo("ok \n");
            Map<String, String> out = new HashMap<>();
            Worker w = new Worker("final", primary, new Random(seed));
            for (String key : allKeys()) {
                long id = history.invoke("final", key, Op.read());
                Output read = w.linearizableRead(client, key);
                assertThat(read).as("final read of " + key).isNotNull();
                history.ok(id, read);
                out.put(key, ((Output.Value) read).value());
            }
            return out;
        }

        /**
         * Drops, on the keys whose versions nobody looks at, the {@code set}s of unknown outcome
         * whose (unique) value no read returned. That keeps the search small and changes no
         * verdict: such a set may be left out (an unknown operation need not have happened), and in
         * any linearization that has it, the next operation on the key is a set or remove (a read
         * would have returned its value), which does not depend on it.
         */
        private static Map<String, List<Operation>> withoutUnseenUnknownSets(Map<String, List<Operation>> byKey) {
            Map<String, List<Operation>> out = new HashMap<>(byKey);
            for (String key : REMOVE_KEYS) {
                List<Operation> ops = byKey.getOrDefault(key, List.of());
                Set<String> seen = ops.stream()
                        .filter(o -> o.op() instanceof Op.Read && o.known())
                        .map(o -> ((Output.Value) o.output()).value())
                        .filter(java.util.Objects::nonNull)
                        .collect(Collectors.toSet());
                out.put(
                        key,
                        ops.stream()
                                .filter(o -> o.known() || !(o.op() instanceof Op.Write w) || seen.contains(w.value()))
                                .toList());
            }
            return out;
        }

        private static List<String> allKeys() {
            List<String> keys = new ArrayList<>(CAS_KEYS);
            keys.addAll(REMOVE_KEYS);
            return keys;
        }

        /**
         * The final value of {@code key} was produced by an operation that may have happened, and no
         * acknowledged change was invoked after that operation returned (it would have overwritten
         * it). Implied by the linearizability check with the final read; spelled out for a clear
         * message.
         */
        private void assertAcknowledgedWritesKept(String key, String finalValue) {
            List<Operation> ops = history.byKey().getOrDefault(key, List.of());
            List<Operation> acked = ops.stream().filter(Round::ackedChange).toList();
            List<Operation> producers = ops.stream()
                    .filter(o -> finalValue == null
                            ? o.op() instanceof Op.Remove
                            : (o.op() instanceof Op.Write w && w.value().equals(finalValue))
                                    || (o.op() instanceof Op.Cas cas
                                            && cas.value().equals(finalValue)))
                    .toList();
            if (finalValue == null && producers.isEmpty()) {
                assertThat(acked)
                        .as("key %s is absent at the end, so no change to it was acknowledged (seed %d)", key, seed)
                        .isEmpty();
                return;
            }
            assertThat(producers)
                    .as("the final value %s of %s was written by someone (seed %d)", finalValue, key, seed)
                    .isNotEmpty();
            boolean explained = producers.stream().anyMatch(o -> acked.stream().noneMatch(w -> w.call() > o.ret()));
            assertThat(explained)
                    .as(
                            "key %s ends as %s, but an acknowledged change was made after it (seed %d): %s",
                            key,
                            finalValue,
                            seed,
                            acked.stream()
                                    .filter(w -> producers.stream().allMatch(o -> w.call() > o.ret()))
                                    .toList())
                    .isTrue();
        }

        private static boolean ackedChange(Operation o) {
            if (!o.known()) {
                return false;
            }
            if (o.op() instanceof Op.Write || o.op() instanceof Op.Remove) {
                return true;
            }
            return o.op() instanceof Op.Cas && ((Output.Swapped) o.output()).swapped();
        }

        private void count(String what) {
            counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
        }

        /** One client: its own session on its node, a new one after a timeout or a restart. */
        private final class Worker {
            private final String name;
            private final int nodeIndex;
            private final Random random;
            private final Map<String, Long> versions = new HashMap<>();
            private int seq;
            private NunDbNode bound;
            private ClusterClient client;

            Worker(String name, int nodeIndex, Random random) {
                this.name = name;
                this.nodeIndex = nodeIndex;
                this.random = random;
            }

            void loop() {
                while (!stop) {
                    try {
                        if (session()) {
                            step();
                        }
                        Thread.sleep(3 + random.nextInt(10));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }

            private boolean session() {
                NunDbNode n = c.node(nodeIndex);
                if (n == null) {
                    return false;
                }
                if (n != bound || client == null) {
                    ClusterClient fresh = new ClusterClient(n);
                    if (!"ok \n".equals(call(fresh, "use-db app app-token"))) {
                        return false;
                    }
                    bound = n;
                    client = fresh;
                }
                return true;
            }

            private void step() {
                boolean cas = random.nextBoolean();
                List<String> keys = cas ? CAS_KEYS : REMOVE_KEYS;
                String key = keys.get(random.nextInt(keys.size()));
                int kind = random.nextInt(10);
                String value = name + "-" + seq++;
                if (kind < 4) {
                    change(key, Op.write(value), "set " + key + " " + value);
                } else if (cas && kind < 7 && versions.containsKey(key)) {
                    compareAndSet(key, versions.get(key), value);
                } else if (!cas && kind < 6) {
                    change(key, Op.remove(), "remove " + key);
                } else {
                    long id = history.invoke(name, key, Op.read());
                    Output read = linearizableRead(client, key);
                    if (read == null) {
                        history.fail(id); // a read that returned nothing changed nothing
                        count("read-dropped");
                    } else {
                        history.ok(id, read);
                        count("read-ok");
                    }
                }
            }

            private void change(String key, Op op, String command) {
                String kind = op instanceof Op.Remove ? "remove" : "set";
                long id = history.invoke(name, key, op);
                String reply = call(client, command);
                Fate fate = fate(reply);
                count(kind + "-" + fate.name().toLowerCase());
                close(id, fate, Output.done());
            }

            private void compareAndSet(String key, long version, String value) {
                long id = history.invoke(name, key, Op.cas(version, value));
                String reply = call(client, "set-safe " + key + " " + version + " " + value);
                if (reply != null && reply.contains("Invalid version!")) {
                    count("cas-refused");
                    history.ok(id, Output.swapped(false));
                    return;
                }
                Fate fate = fate(reply);
                count("cas-" + fate.name().toLowerCase());
                close(id, fate, Output.swapped(true));
            }

            private void close(long id, Fate fate, Output output) {
                switch (fate) {
                    case OK -> history.ok(id, output);
                    case FAIL -> history.fail(id);
                    default -> history.unknown(id);
                }
            }

            /**
             * Writes this client's sentinel through the log, checks the node shows it, then reads
             * {@code key} there (see the class comment); null if any step did not go through.
             */
            Output linearizableRead(ClusterClient on, String key) {
                String sentinel = name + "-s" + seq++;
                if (!"ok \n".equals(call(on, "set sync-" + name + " " + sentinel))) {
                    return null;
                }
                if (!("value " + sentinel + "\nok \n").equals(call(on, "get sync-" + name))) {
                    count("read-sentinel-not-applied");
                    return null;
                }
                boolean withVersion = CAS_KEYS.contains(key);
                String reply = call(on, (withVersion ? "get-safe " : "get ") + key);
                if (reply == null || !reply.endsWith("\nok \n")) {
                    return null;
                }
                String line = reply.substring(0, reply.indexOf('\n'));
                if (withVersion) {
                    String[] parts = line.split(" ", 3); // value-version <version> <value>
                    if ("<Empty>".equals(parts[2])) {
                        return Output.absent();
                    }
                    long version = Long.parseLong(parts[1]);
                    versions.put(key, version);
                    return Output.value(parts[2], version);
                }
                String v = line.substring("value ".length());
                return "<Empty>".equals(v) ? Output.absent() : Output.value(v);
            }

            /** The reply text, or null if it did not come (the session is then replaced). */
            private String call(ClusterClient on, String command) {
                try {
                    return on.sendAsync(command).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException | RuntimeException e) {
                    count("no-reply");
                    if (on == client) {
                        client = null; // the old command may still run on that session
                    }
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }

        private Fate fate(String reply) {
            if (reply == null) {
                return Fate.UNKNOWN;
            }
            if (reply.equals("ok \n")) {
                return Fate.OK;
            }
            if (reply.contains("may or may not")) {
                return Fate.UNKNOWN;
            }
            if (reply.contains("was not applied")
                    || reply.contains("it was not applied")
                    || reply.equals("error " + ClusterNode.NOT_PRIMARY + " \n")) {
                return Fate.FAIL;
            }
            count("other-error: " + reply.strip());
            return Fate.UNKNOWN;
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
