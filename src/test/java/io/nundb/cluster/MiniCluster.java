package io.nundb.cluster;

import io.nundb.cluster.raft.RaftNode;
import io.nundb.cluster.testing.InMemoryNetwork;
import io.nundb.command.EnginePorts;
import io.nundb.node.NodeOptions;
import io.nundb.node.NunDbNode;
import io.nundb.storage.StateDigest;
import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.watch.DeliveryStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/**
 * An in-process cluster of N {@link NunDbNode}s, each on its own directory, linked by an {@link
 * InMemoryNetwork} that a test can partition, delay or make lossy. Nodes can be crashed (closed)
 * and restarted on the same directory.
 */
final class MiniCluster implements AutoCloseable {

    static final String USER = "nun";
    static final String PASSWORD = "mini-pwd";

    /** Tiny op-log segments and size limit: a snapshot soon drops entries, so lagging nodes get snapshots. */
    static final UnaryOperator<NodeOptions> SMALL_OP_LOG =
            o -> o.withOpLog(o.opLog().withSegmentBytes(4096).withMaxLogBytes(8192));

    final InMemoryNetwork network;
    private final Path dir;
    private final List<String> ids = new ArrayList<>();
    private final NunDbNode[] nodes;
    private final AckMode ack;
    private final Duration electionTimeout;
    private final UnaryOperator<NodeOptions> tune;
    private final int founders;

    MiniCluster(Path dir, int size, AckMode ack, long seed) {
        this(dir, size, ack, seed, Duration.ofMillis(300));
    }

    MiniCluster(Path dir, int size, AckMode ack, long seed, Duration electionTimeout) {
        this(dir, size, ack, seed, electionTimeout, UnaryOperator.identity());
    }

    /** {@code tune} adjusts every node's options (a small op log, say). */
    MiniCluster(Path dir, int size, AckMode ack, long seed, Duration electionTimeout, UnaryOperator<NodeOptions> tune) {
        this(dir, size, size, ack, seed, electionTimeout, tune);
    }

    /**
     * Only the first {@code founders} nodes start, configured with each other as members; the
     * others are started by the test ({@link #start}), configured with every node, to be added
     * with {@code join}.
     */
    MiniCluster(
            Path dir,
            int size,
            int founders,
            AckMode ack,
            long seed,
            Duration electionTimeout,
            UnaryOperator<NodeOptions> tune) {
        this.founders = founders;
        this.dir = dir;
        this.tune = tune;
        this.ack = ack;
        this.electionTimeout = electionTimeout;
        this.network = new InMemoryNetwork(seed);
        this.nodes = new NunDbNode[size];
        for (int i = 0; i < size; i++) {
            ids.add("127.0.0.1:" + (17000 + i));
        }
        for (int i = 0; i < founders; i++) {
            start(i);
        }
    }

    String id(int i) {
        return ids.get(i);
    }

    int size() {
        return nodes.length;
    }

    NunDbNode node(int i) {
        return nodes[i];
    }

    boolean running(int i) {
        return nodes[i] != null;
    }

    void start(int i) {
        if (nodes[i] != null) {
            throw new IllegalStateException("node " + i + " runs");
        }
        NodeOptions options = tune.apply(NodeOptions.onDisk(dir.resolve("n" + i), ids.get(i), USER, PASSWORD)
                .withFsync(FsyncPolicy.NEVER));
        List<String> configured = i < founders ? ids.subList(0, founders) : ids;
        ClusterOptions cluster =
                new ClusterOptions(ids.get(i), new LinkedHashSet<>(configured), ack, electionTimeout, null);
        nodes[i] = new NunDbNode(
                        options,
                        EnginePorts.standalone(ids.get(i)),
                        new DeliveryStats(),
                        cluster,
                        network.transport(ids.get(i)))
                .start();
    }

    /** Stops node {@code i} abruptly for the cluster (its peers just stop hearing from it). */
    void crash(int i) {
        NunDbNode n = nodes[i];
        nodes[i] = null;
        if (n != null) {
            n.cluster().close();
            n.close();
        }
    }

    void restart(int i) {
        crash(i);
        start(i);
    }

    ClusterStatus status(int i) {
        return nodes[i].cluster().status();
    }

    /** Waits until one running node is the ready primary; returns its number. */
    int awaitPrimary(Duration timeout) {
        int[] found = {-1};
        Awaitility.await("a ready primary")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    for (int i = 0; i < nodes.length; i++) {
                        if (nodes[i] != null
                                && nodes[i].cluster().status().isPrimary()
                                && nodes[i].cluster().isReady()) {
                            found[0] = i;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    int awaitPrimary() {
        return awaitPrimary(Duration.ofSeconds(20));
    }

    /** A nemesis: faults on the test thread while the clients run. */
    interface Faults {
        void inject() throws InterruptedException;
    }

    /**
     * Runs each client loop on a daemon thread of its own while {@code faults} run on this one,
     * then {@code stop} and waits for the clients (each must end within {@code join}).
     */
    static void whileClientsRun(List<Runnable> clients, String name, Faults faults, Runnable stop, Duration join)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Thread t = new Thread(clients.get(i), name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            faults.inject();
        } finally {
            stop.run();
        }
        for (Thread t : threads) {
            t.join(join.toMillis());
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not finish");
            }
        }
    }

    /** Lifts every network fault and starts the nodes that are down; returns those it started. */
    List<Integer> healAndStartAll() {
        network.heal();
        network.dropRate(0);
        network.delay(0, 0);
        network.reorder(false);
        network.duplicateRate(0);
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] == null) {
                start(i);
                started.add(i);
            }
        }
        return started;
    }

    /** Isolates the node that holds itself the primary for {@code millis}, then heals; false if there was none. */
    boolean isolatePrimaryFor(long millis) throws InterruptedException {
        int p = primaryOrNone();
        if (p < 0) {
            return false;
        }
        network.isolate(id(p));
        Thread.sleep(millis);
        network.heal();
        return true;
    }

    /** Cuts a random minority (size / 2 nodes) off from the others for {@code millis}, then heals. */
    void splitFor(Random random, long millis) throws InterruptedException {
        List<String> order = new ArrayList<>(ids.subList(0, nodes.length));
        java.util.Collections.shuffle(order, random);
        int minority = nodes.length / 2;
        network.partition(Set.copyOf(order.subList(0, minority)), Set.copyOf(order.subList(minority, order.size())));
        Thread.sleep(millis);
        network.heal();
    }

    /** The running node that holds itself the primary (ready or not), or -1. */
    int primaryOrNone() {
        for (int i = 0; i < nodes.length; i++) {
            NunDbNode n = nodes[i];
            if (n != null && n.cluster().status().isPrimary()) {
                return i;
            }
        }
        return -1;
    }

    /** Creates database {@code db} as the admin on the ready primary; waits until every running node has it. */
    void createDb(String db, String token) {
        ClusterClient admin = new ClusterClient(nodes[awaitPrimary()]);
        if (!admin.send("auth " + USER + " " + PASSWORD).equals("valid auth\nok \n")
                || !admin.send("create-db " + db + " " + token).equals("create-db success\nok \n")) {
            throw new AssertionError("create-db " + db + " failed");
        }
        Awaitility.await("database " + db + " on every node")
                .atMost(Duration.ofSeconds(20))
                .until(() -> java.util.Arrays.stream(nodes)
                        .allMatch(n -> n == null || n.databases().exists(db)));
    }

    /** Waits until every running node holds the same data as every other. */
    void awaitConverged(Duration timeout) {
        Awaitility.await("all nodes hold the same data")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> digests().size() == 1);
    }

    Set<String> digests() {
        Set<String> out = new LinkedHashSet<>();
        for (NunDbNode n : nodes) {
            if (n != null) {
                out.add(StateDigest.of(n.databases()));
            }
        }
        return out;
    }

    int countRole(Predicate<ClusterStatus> p) {
        int c = 0;
        for (NunDbNode n : nodes) {
            if (n != null && p.test(n.cluster().status())) {
                c++;
            }
        }
        return c;
    }

    static boolean isLeader(ClusterStatus s) {
        return s.role() == RaftNode.Role.LEADER;
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            try {
                crash(i);
            } catch (RuntimeException e) {
                // closing the rest matters more
            }
        }
        network.close();
    }
}
