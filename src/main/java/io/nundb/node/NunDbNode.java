package io.nundb.node;

import io.nundb.cluster.ClusterNode;
import io.nundb.cluster.ClusterOptions;
import io.nundb.cluster.PeerTransport;
import io.nundb.command.CommandExecutor;
import io.nundb.command.EnginePorts;
import io.nundb.command.NodeStats;
import io.nundb.command.SnapshotPort;
import io.nundb.security.AdminCredentials;
import io.nundb.security.SecretVerifier;
import io.nundb.storage.Databases;
import io.nundb.storage.Journal;
import io.nundb.storage.StateMachine;
import io.nundb.storage.WritePipeline;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.snapshot.SnapshotStore;
import io.nundb.storage.snapshot.Snapshotter;
import io.nundb.storage.snapshot.StartupRecovery;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node, assembled with plain {@code new} from {@link NodeOptions}: the op log, start-up
 * recovery, the store with its write pipeline and state machine, snapshots, watches, the change
 * feed and the command engine. Spring's configuration builds one; tests build as many as they
 * like, each on its own directory.
 *
 * <p>Threads: the op log's writer and ack threads (writes are applied and watchers told on the
 * writer right after a small write with nothing else queued, else on the ack thread), the snapshotter's, and one that calls the change feed's subscribers (streams),
 * so a slow stream never holds up writes. The constructor recovers what is on disk (on the calling thread) before any listener is
 * attached, so recovery tells no watcher. {@link #start} starts the snapshot timer; {@link #close}
 * takes the last snapshot and closes the op log.
 */
public final class NunDbNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NunDbNode.class);

    private final NodeOptions options;
    private final OpLog opLog;
    private final SnapshotStore snapshotStore;
    private final StartupRecovery recovery;
    private final Snapshotter snapshotter;
    private final Databases databases;
    private final WatchRegistry watches;
    private final ChangeFeed changeFeed;
    private final ExecutorService feedDelivery;
    private final AdminCredentials credentials;
    private NodeStats stats;
    private final CommandExecutor executor;
    private final ClusterNode clusterNode;
    private final SecretMigration secretMigration;

    /** A node alone, with the standalone ports. */
    public NunDbNode(NodeOptions options) {
        this(options, EnginePorts.standalone(options.nodeName()), new DeliveryStats());
    }

    /**
     * @param ports cluster view, command observer and write placement (its snapshot and stats
     *     ports are replaced by this node's own when it has a data directory)
     * @param deliveryStats where the watch registry counts deliveries
     */
    public NunDbNode(NodeOptions options, EnginePorts ports, DeliveryStats deliveryStats) {
        this(options, ports, deliveryStats, null, null);
    }

    /**
     * A node that takes part in a cluster when {@code cluster} is not null: its writes go through
     * the primary, its peers are reached through {@code transport}.
     */
    public NunDbNode(
            NodeOptions options,
            EnginePorts ports,
            DeliveryStats deliveryStats,
            ClusterOptions cluster,
            PeerTransport transport) {
        this.options = options;
        this.credentials =
                new AdminCredentials(options.adminUser(), options.adminPassword(), options.secretHashIterations());
        String adminHash = credentials.passwordHash();
        if (options.inMemory()) {
            opLog = null;
            snapshotStore = null;
            recovery = null;
            databases = new Databases(Journal.inMemory(), adminHash, options.clock());
            snapshotter = null;
            stats = NodeStats.NONE;
        } else {
            opLog = new OpLog(options.dataDir().resolve("oplog"), options.opLog(), options.segments());
            // the recent-entries cache only serves followers' catch-up: a node alone keeps none, a
            // clustered one at most an eighth of the heap
            opLog.cacheLimits(
                    cluster == null ? 0 : OpLog.DEFAULT_CACHE_ENTRIES,
                    cluster == null
                            ? 0
                            : Math.min(
                                    OpLog.DEFAULT_CACHE_BYTES,
                                    Runtime.getRuntime().maxMemory() / 8));
            snapshotStore = new SnapshotStore(options.dataDir().resolve("snapshots"));
            recovery = new StartupRecovery(options.dataDir(), opLog, snapshotStore, options.recoveryMode());
            databases = new Databases(opLog, adminHash, options.clock());
            recovery.recoverInto(databases);
            snapshotter = new Snapshotter(
                    databases, opLog, snapshotStore, options.declutterInterval(), recovery.snapshotIndex());
            stats = new OpLogStats(opLog);
            ports = ports.withSnapshots(snapshotPort(snapshotter)).withStats(stats);
        }
        if (cluster != null) {
            if (opLog == null) {
                throw new IllegalArgumentException("a clustered node needs a data directory");
            }
            clusterNode =
                    new ClusterNode(cluster, options.dataDir(), opLog, snapshotStore, databases, adminHash, transport);
            ClusterNode c = clusterNode;
            stats = new ClusterNodeStats(stats, c);
            ports = ports.withCluster(c).withPlacement(c).withStats(stats);
        } else {
            clusterNode = null;
        }
        this.watches = new WatchRegistry(deliveryStats);
        this.feedDelivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nundb-change-feed");
            t.setDaemon(true);
            return t;
        });
        this.changeFeed = new ChangeFeed(feedDelivery);
        databases.stateMachine().addListener(watches);
        databases.stateMachine().addListener(changeFeed);
        if (snapshotter != null) {
            SecretVerifier verifier = SecretVerifier.shared();
            int iterations = credentials.hashIterations();
            secretMigration = new SecretMigration(
                    options.dataDir(),
                    databases,
                    snapshotter,
                    opLog,
                    secret -> verifier.hash(secret, iterations),
                    options.shutdownTimeout());
            databases.stateMachine().addListener(secretMigration);
        } else {
            secretMigration = null;
        }
        this.executor = new CommandExecutor(databases, watches, credentials, ports);
        if (clusterNode != null) {
            clusterNode.executor(executor);
        }
    }

    /** {@code snapshot [reclaim] [dbs]}: one snapshot file covers every database, so it covers those named. */
    private static SnapshotPort snapshotPort(Snapshotter snapshotter) {
        return (dbs, reclaim) -> snapshotter.snapshot(reclaim).thenApply(info -> null);
    }

    /**
     * Starts the background work (the snapshot timer). A node alone first rewrites the plain
     * secrets of data an earlier version wrote ({@link SecretMigration}); on the calling thread,
     * before any door is open. A clustered node does so whenever it becomes the ready primary.
     */
    public NunDbNode start() {
        if (clusterNode != null) {
            if (secretMigration != null) {
                secretMigration.startClustered();
                clusterNode.onReadyPrimary(secretMigration::primaryReady);
            }
            clusterNode.start();
        }
        if (snapshotter != null) {
            if (clusterNode == null) {
                secretMigration.runAlone();
            }
            snapshotter.start();
        }
        return this;
    }

    /** The plain-secret migration, for tests; null in memory. */
    SecretMigration secretMigration() {
        return secretMigration;
    }

    /** Takes a last snapshot if anything changed, then writes what is queued and closes the op log. */
    @Override
    public void close() {
        if (clusterNode != null) {
            clusterNode.close();
        }
        if (secretMigration != null) {
            secretMigration.close();
        }
        if (snapshotter != null) {
            snapshotter.shutdown(options.shutdownTimeout());
        }
        if (opLog != null) {
            opLog.close();
        }
        feedDelivery.shutdown();
    }

    /**
     * The replication term from now on: stamped by the op log on the entries it writes and by the
     * pipeline on the entries it hands to listeners. The cluster sets it here, not on one alone.
     */
    public void term(long term) {
        if (opLog != null) {
            opLog.beginTerm(Math.max(opLog.currentTerm(), term), opLog.isLeader());
        }
        databases.pipeline().term(term);
    }

    public NodeOptions options() {
        return options;
    }

    public CommandExecutor executor() {
        return executor;
    }

    public Databases databases() {
        return databases;
    }

    /** Where the cluster switches the apply policy, applies up to an index and feeds replicated entries. */
    public WritePipeline pipeline() {
        return databases.pipeline();
    }

    public StateMachine stateMachine() {
        return databases.stateMachine();
    }

    public WatchRegistry watches() {
        return watches;
    }

    public ChangeFeed changeFeed() {
        return changeFeed;
    }

    public AdminCredentials credentials() {
        return credentials;
    }

    /** The op-log figures for {@code metrics-state} (zeros in memory). */
    public NodeStats stats() {
        return stats;
    }

    /** The op log, or null for a node in memory. */
    public OpLog opLog() {
        return opLog;
    }

    /** The snapshot files, or null for a node in memory. */
    public SnapshotStore snapshotStore() {
        return snapshotStore;
    }

    /** Start-up recovery, or null for a node in memory. */
    public StartupRecovery recovery() {
        return recovery;
    }

    /** The snapshotter, or null for a node in memory. */
    public Snapshotter snapshotter() {
        return snapshotter;
    }

    /** This node's part in the cluster, or null for a node alone. */
    public ClusterNode cluster() {
        return clusterNode;
    }

    /** The op log's figures with the cluster's pending entries and replication time. */
    private record ClusterNodeStats(NodeStats local, ClusterNode cluster) implements NodeStats {
        @Override
        public long pendingOps() {
            return cluster.pendingOps();
        }

        @Override
        public long opLogBytes() {
            return local.opLogBytes();
        }

        @Override
        public long opLogRecords() {
            return local.opLogRecords();
        }

        @Override
        public double replicationTimeMovingAvgMs() {
            return cluster.status().replicationMillis();
        }
    }

    private record OpLogStats(OpLog opLog) implements NodeStats {
        @Override
        public long pendingOps() {
            return 0;
        }

        @Override
        public long opLogBytes() {
            return opLog.totalBytes();
        }

        @Override
        public long opLogRecords() {
            return opLog.totalRecords();
        }

        @Override
        public double replicationTimeMovingAvgMs() {
            return 0;
        }
    }
}
