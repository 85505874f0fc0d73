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
 * @param externalAddr this node's name in the cluster (defaults to the TCP address)
 * @param replicateAddr comma list of cluster members ({@code NUN_REPLICATE_ADDR})
 * @param electionTimeout election timeout ({@code NUN_ELECTION_TIMEOUT}, ms)
 * @param declutterInterval snapshot interval ({@code NUN_DECLUTTER_INTERVAL}, seconds)
 * @param maxOpLogSize op-log size before old segments go after a snapshot ({@code NUN_MAX_OP_LOG_SIZE})
 * @param outboxLimit messages buffered per connection before a slow consumer is cut off
 * @param maxLineLength longest accepted command line or frame, in bytes
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
        @DurationUnit(ChronoUnit.MILLIS) Duration electionTimeout,
        @DurationUnit(ChronoUnit.SECONDS) Duration declutterInterval,
        long maxOpLogSize,
        int outboxLimit,
        int maxLineLength) {

    /** The name this node gives itself in {@code cluster-state}. */
    public String nodeName() {
        return externalAddr == null || externalAddr.isBlank() ? tcpAddr : externalAddr;
    }
}
