package io.nundb.health;

import io.nundb.command.NodeStats;
import io.nundb.metrics.EngineMeters;
import io.nundb.storage.Databases;
import java.nio.file.Path;
import java.util.function.Supplier;
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
    private final Supplier<String> storageProblem;

    /**
     * @param storageProblem why the op log cannot store writes, or null while it can
     */
    public NodeHealthIndicator(
            ReadinessGate gate,
            Databases databases,
            NodeStats nodeStats,
            Path dataDirectory,
            Supplier<String> storageProblem) {
        this.gate = gate;
        this.databases = databases;
        this.nodeStats = nodeStats;
        this.dataDirectory = dataDirectory;
        this.storageProblem = storageProblem;
    }

    @Override
    public Health health() {
        Health.Builder builder = gate.isReady() ? Health.up() : Health.outOfService();
        builder.withDetail("conditions", gate.conditions())
                .withDetail("dataDirectory", dataDirectory.toString())
                .withDetail("databases", EngineMeters.userDatabases(databases))
                .withDetail("keys", EngineMeters.entries(databases))
                .withDetail("opLogBytes", nodeStats.opLogBytes())
                .withDetail("opLogRecords", nodeStats.opLogRecords());
        String problem = storageProblem.get();
        if (problem != null) {
            builder.withDetail("storageProblem", problem);
        }
        return builder.build();
    }
}
