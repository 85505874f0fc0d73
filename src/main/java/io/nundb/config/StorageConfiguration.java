package io.nundb.config;

import io.nundb.command.NodeStats;
import io.nundb.command.SnapshotPort;
import io.nundb.storage.Databases;
import io.nundb.storage.oplog.DiskHealth;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.snapshot.SnapshotStore;
import io.nundb.storage.snapshot.Snapshotter;
import io.nundb.storage.snapshot.StartupRecovery;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable storage: the op log as the store's journal, start-up recovery, snapshots and the
 * figures {@code metrics-state} shows. Layout under {@code NUN_DBS_DIR}: {@code oplog/} and
 * {@code snapshots/}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StorageProperties.class)
public class StorageConfiguration {

    static Path dataDir(NunDbProperties props) {
        return Path.of(props.dbsDir() == null || props.dbsDir().isBlank() ? "dbs" : props.dbsDir());
    }

    @Bean
    OpLog opLog(NunDbProperties props, StorageProperties storage) {
        OpLogOptions options = new OpLogOptions(
                storage.fsyncPolicy(), storage.fsyncInterval(), storage.segmentSize(), props.maxOpLogSize());
        return new OpLog(dataDir(props).resolve("oplog"), options);
    }

    @Bean
    DiskHealth diskHealth(OpLog opLog) {
        return opLog.health();
    }

    @Bean
    SnapshotStore snapshotStore(NunDbProperties props) {
        return new SnapshotStore(dataDir(props).resolve("snapshots"));
    }

    @Bean
    StartupRecovery storageRecovery(
            NunDbProperties props, StorageProperties storage, OpLog opLog, SnapshotStore snapshots) {
        return new StartupRecovery(dataDir(props), opLog, snapshots, storage.recoveryMode());
    }

    @Bean
    Snapshotter snapshotter(
            Databases databases,
            OpLog opLog,
            SnapshotStore snapshots,
            StartupRecovery recovery,
            NunDbProperties props) {
        Duration declutter = props.declutterInterval() == null ? Duration.ofSeconds(300) : props.declutterInterval();
        return new Snapshotter(databases, opLog, snapshots, declutter, recovery.snapshotIndex());
    }

    /** {@code snapshot [reclaim] [dbs]}: one snapshot file covers every database, so it covers those named. */
    @Bean
    SnapshotPort snapshotPort(Snapshotter snapshotter) {
        return (dbs, reclaim) -> snapshotter.snapshot(reclaim).thenApply(info -> null);
    }

    @Bean
    NodeStats storageNodeStats(OpLog opLog) {
        return new NodeStats() {
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
        };
    }

    @Bean
    StorageLifecycle storageLifecycle(Snapshotter snapshotter, OpLog opLog, StorageProperties storage) {
        return new StorageLifecycle(snapshotter, opLog, storage.shutdownTimeout());
    }

    /**
     * Starts the snapshot timer first and stops last: by the time it stops, the listeners (in
     * later phases) have stopped taking commands, so the final snapshot is followed by closing
     * the op log with nothing left in flight.
     */
    static final class StorageLifecycle implements SmartLifecycle {

        private final Snapshotter snapshotter;
        private final OpLog opLog;
        private final Duration timeout;
        private volatile boolean running;

        StorageLifecycle(Snapshotter snapshotter, OpLog opLog, Duration timeout) {
            this.snapshotter = snapshotter;
            this.opLog = opLog;
            this.timeout = timeout;
        }

        @Override
        public void start() {
            snapshotter.start();
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            snapshotter.shutdown(timeout);
            opLog.close();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE + 1000;
        }
    }
}
