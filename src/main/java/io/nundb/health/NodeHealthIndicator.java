package io.nundb.health;

import io.nundb.command.NodeStats;
import io.nundb.metrics.EngineMeters;
import io.nundb.storage.Databases;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP when every {@link ReadinessGate} condition holds (storage loaded, listeners bound), else
 * OUT_OF_SERVICE. Part of the readiness group only: a node still loading is not dead.
 */
public final class NodeHealthIndicator implements HealthIndicator {

    private final ReadinessGate gate;
    private final Databases databases;
    private final NodeStats nodeStats;
    private final Path dataDirectory;

    public NodeHealthIndicator(ReadinessGate gate, Databases databases, NodeStats nodeStats, Path dataDirectory) {
        this.gate = gate;
        this.databases = databases;
        this.nodeStats = nodeStats;
        this.dataDirectory = dataDirectory;
    }

    @Override
    public Health health() {
        Health.Builder builder = gate.isReady() ? Health.up() : Health.outOfService();
        return builder.withDetail("conditions", gate.conditions())
                .withDetail("dataDirectory", dataDirectory.toString())
                .withDetail("databases", EngineMeters.userDatabases(databases))
                .withDetail("keys", EngineMeters.entries(databases))
                .withDetail("opLogBytes", nodeStats.opLogBytes())
                .build();
    }
}
