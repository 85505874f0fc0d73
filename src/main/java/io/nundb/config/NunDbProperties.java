package io.nundb.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The server's settings. Each binds from a {@code nundb.*} property, and NunDB's environment
 * variables ({@code NUN_USER}, {@code NUN_TCP_ADDR}, …) feed them through {@code application.yml}.
 * A duration given without a unit is in the unit its {@link DurationUnit} names (the one
 * docs/operations.md gives), however it is set; {@code 5m}, {@code 300s}, {@code 250ms} work too.
 *
 * @param user admin user ({@code NUN_USER})
 * @param pwd admin password ({@code NUN_PWD}); generated and logged once when empty
 * @param dbsDir data directory ({@code NUN_DBS_DIR})
 * @param tcpAddr TCP listener {@code host:port} ({@code NUN_TCP_ADDR})
 * @param wsAddr WebSocket listener ({@code NUN_WS_ADDR})
 * @param httpAddr HTTP listener ({@code NUN_HTTP_ADDR}), also REST and Actuator
 * @param rsocketAddr RSocket listener for clients
 * @param externalAddr the address peers reach this node at ({@code NUN_EXTERNAL_ADDR}); its name in
 *     {@code cluster-state} (defaulting to the TCP address) and its cluster node id (defaulting to
 *     the cluster address)
 * @param replicateAddr comma list of cluster members ({@code NUN_REPLICATE_ADDR})
 * @param clusterAddr the peer-link listener {@code host:port} ({@code NUN_CLUSTER_ADDR}, default
 *     {@code 0.0.0.0:3016}); opened only when the node runs clustered
 * @param clusterSecret the secret peers authenticate with ({@code NUN_CLUSTER_SECRET}); required to
 *     run clustered
 * @param replicationAck when writes are answered in a cluster: {@code lazy} (default) or {@code
 *     majority} ({@code NUN_REPLICATION_ACK})
 * @param electionTimeout election timeout ({@code NUN_ELECTION_TIMEOUT}, ms)
 * @param declutterInterval snapshot interval ({@code NUN_DECLUTTER_INTERVAL}, seconds)
 * @param maxOpLogSize op-log size before old segments go after a snapshot ({@code NUN_MAX_OP_LOG_SIZE})
 * @param outboxLimit messages buffered per connection before a slow consumer is cut off
 * @param maxLineLength longest accepted command line or frame, in bytes
 * @param secretHashIterations PBKDF2 iterations for stored secrets ({@code NUN_SECRET_HASH_ITERATIONS};
 *     0 or absent: 210,000)
 */
@ConfigurationProperties("nundb")
public record NunDbProperties(
        String user,
        String pwd,
        String dbsDir,
        String tcpAddr,
        String wsAddr,
        String httpAddr,
        String rsocketAddr,
        String externalAddr,
        String replicateAddr,
        String clusterAddr,
        String clusterSecret,
        String replicationAck,
        @DurationUnit(ChronoUnit.MILLIS) Duration electionTimeout,
        @DurationUnit(ChronoUnit.SECONDS) Duration declutterInterval,
        long maxOpLogSize,
        int outboxLimit,
        int maxLineLength,
        int secretHashIterations) {

    /** Whether this node runs in a cluster: {@code NUN_REPLICATE_ADDR} names its members. */
    public boolean isClustered() {
        return replicateAddr != null && !replicateAddr.isBlank();
    }

    /** The name this node gives itself in {@code cluster-state}. */
    public String nodeName() {
        return hasExternalAddr() ? externalAddr : tcpAddr;
    }

    /** The id peers know this node by: the address they reach its peer link at. */
    public String clusterNodeId() {
        return hasExternalAddr() ? externalAddr : clusterAddr;
    }

    private boolean hasExternalAddr() {
        return externalAddr != null && !externalAddr.isBlank();
    }

    /** Secrets masked, so that logging the settings does not leak them. */
    @Override
    public String toString() {
        return "NunDbProperties[user=" + user + ", pwd=" + mask(pwd) + ", dbsDir=" + dbsDir + ", tcpAddr=" + tcpAddr
                + ", wsAddr=" + wsAddr + ", httpAddr=" + httpAddr + ", rsocketAddr=" + rsocketAddr
                + ", externalAddr=" + externalAddr + ", replicateAddr=" + replicateAddr + ", clusterAddr="
                + clusterAddr + ", clusterSecret=" + mask(clusterSecret) + ", electionTimeout=" + electionTimeout
                + ", declutterInterval=" + declutterInterval + ", maxOpLogSize=" + maxOpLogSize + ", outboxLimit="
                + outboxLimit + ", maxLineLength=" + maxLineLength + "]";
    }

    private static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(none)" : "****";
    }
}
