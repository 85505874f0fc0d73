package io.nundb.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nundb.command.NodeStats;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;

/**
 * Gauges and counters read from the engine's own figures at scrape time: nothing is counted twice,
 * and {@code metrics-state} reads the same {@link NodeStats}.
 */
public final class EngineMeters implements MeterBinder {

    private final Databases databases;
    private final WatchRegistry watches;
    private final DeliveryStats delivery;
    private final ConnectionCounter connections;
    private final NodeStats nodeStats;

    public EngineMeters(
            Databases databases,
            WatchRegistry watches,
            DeliveryStats delivery,
            ConnectionCounter connections,
            NodeStats nodeStats) {
        this.databases = databases;
        this.watches = watches;
        this.delivery = delivery;
        this.connections = connections;
        this.nodeStats = nodeStats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String transport : connections.transports()) {
            Gauge.builder(MeterNames.CONNECTIONS_OPEN, connections, c -> c.open(transport))
                    .description("Open client connections")
                    .tag(MeterNames.TAG_TRANSPORT, transport)
                    .register(registry);
        }
        Gauge.builder(MeterNames.WATCHES_ACTIVE, watches, WatchRegistry::activeWatches)
                .description("Watch registrations (connection, key)")
                .register(registry);
        FunctionCounter.builder(MeterNames.NOTIFICATIONS_SENT, delivery, DeliveryStats::notificationsSent)
                .description("Notification messages queued to watchers")
                .register(registry);
        FunctionCounter.builder(MeterNames.NOTIFICATIONS_DROPPED, delivery, DeliveryStats::notificationsDropped)
                .description("Notification messages dropped because the receiver's buffer was full")
                .register(registry);
        FunctionCounter.builder(
                        MeterNames.SLOW_CONSUMERS_DISCONNECTED, delivery, DeliveryStats::slowConsumersDisconnected)
                .description("Connections cut off as slow consumers")
                .register(registry);
        Gauge.builder(MeterNames.DATABASES, databases, EngineMeters::userDatabases)
                .description("User databases")
                .register(registry);
        Gauge.builder(MeterNames.KEYS, databases, EngineMeters::entries)
                .description("Stored entries over all user databases")
                .register(registry);
        Gauge.builder(MeterNames.OPLOG_BYTES, nodeStats, NodeStats::opLogBytes)
                .description("Op-log size in bytes")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder(MeterNames.PENDING_OPS, nodeStats, NodeStats::pendingOps)
                .description("Replication entries not yet acknowledged")
                .register(registry);
    }

    /** User databases, {@code $admin} excluded. */
    public static long userDatabases(Databases databases) {
        long n = 0;
        for (Database db : databases.all()) {
            if (!Databases.ADMIN_DB.equals(db.name())) {
                n++;
            }
        }
        return n;
    }

    /** Entries of all user databases. */
    public static long entries(Databases databases) {
        long n = 0;
        for (Database db : databases.all()) {
            if (!Databases.ADMIN_DB.equals(db.name())) {
                n += db.size();
            }
        }
        return n;
    }
}
