package io.nundb.testing;

import io.nundb.command.CommandExecutor;
import io.nundb.command.EnginePorts;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;

/**
 * An engine wired with plain {@code new} and no disk, for transport tests that do not need Spring
 * (kept here so transport test code need not touch storage classes).
 */
public final class InMemoryEngine {

    private final DeliveryStats stats = new DeliveryStats();
    private final ChangeFeed feed = new ChangeFeed();
    private final CommandExecutor executor;

    public InMemoryEngine(String adminUser, String adminPassword) {
        WatchRegistry watches = new WatchRegistry(stats);
        Databases databases = Databases.inMemory(adminPassword, watches);
        databases.stateMachine().addListener(feed);
        this.executor = new CommandExecutor(
                databases, watches, new AdminCredentials(adminUser, adminPassword), EnginePorts.standalone("test"));
    }

    public CommandExecutor executor() {
        return executor;
    }

    /** The change feed of the streaming doors (SSE, RSocket). */
    public ChangeFeed feed() {
        return feed;
    }

    public DeliveryStats stats() {
        return stats;
    }
}
