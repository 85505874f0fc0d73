package io.nundb.config;

import io.nundb.command.NodeStats;
import io.nundb.node.NunDbNode;
import io.nundb.storage.oplog.DiskHealth;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.snapshot.SnapshotStore;
import io.nundb.storage.snapshot.Snapshotter;
import io.nundb.storage.snapshot.StartupRecovery;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable storage, as the {@link NunDbNode} built it: the op log, start-up recovery, snapshots and
 * the figures {@code metrics-state} shows. Layout under {@code NUN_DBS_DIR}: {@code oplog/} and
 * {@code snapshots/}.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    @Bean
    OpLog opLog(NunDbNode node) {
        return node.opLog();
    }

    @Bean
    DiskHealth diskHealth(OpLog opLog) {
        return opLog.health();
    }

    @Bean
    SnapshotStore snapshotStore(NunDbNode node) {
        return node.snapshotStore();
    }

    @Bean
    StartupRecovery storageRecovery(NunDbNode node) {
        return node.recovery();
    }

    @Bean
    Snapshotter snapshotter(NunDbNode node) {
        return node.snapshotter();
    }

    @Bean
    NodeStats storageNodeStats(NunDbNode node) {
        return node.stats();
    }

    @Bean
    StorageLifecycle storageLifecycle(NunDbNode node) {
        return new StorageLifecycle(node);
    }

    /**
     * Starts the snapshot timer first and stops last: by the time it stops, the listeners (in
     * later phases) have stopped taking commands, so the final snapshot is followed by closing
     * the op log with nothing left in flight.
     */
    static final class StorageLifecycle implements SmartLifecycle {

        private final NunDbNode node;
        private volatile boolean running;

        StorageLifecycle(NunDbNode node) {
            this.node = node;
        }

        @Override
        public void start() {
            node.start();
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            node.close();
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
