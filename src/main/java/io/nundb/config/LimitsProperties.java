package io.nundb.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Resource limits that keep one client from taking the node's memory ({@code nundb.limits.*}, fed
 * from environment variables in {@code application.yml}; docs/security.md explains each).
 *
 * @param outboxMaxBytes chars buffered per connection (replies and notifications) before a slow
 *     consumer is cut off ({@code NUN_OUTBOX_MAX_BYTES}, default 16 MiB)
 * @param outboundTotalBytes chars buffered for all connections and replies of the node together;
 *     0 (default) means a quarter of the maximum heap ({@code NUN_OUTBOUND_TOTAL_BYTES})
 * @param handshakeTimeout time a new connection has to complete its handshake (WebSocket upgrade,
 *     RSocket SETUP)
 *     ({@code NUN_HANDSHAKE_TIMEOUT}, default 10 s)
 * @param maxConnections open connections per door (TCP, WebSocket, HTTP, RSocket) before new ones are
 *     refused with {@code error too many connections} ({@code NUN_MAX_CONNECTIONS}, default 10,000); the
 *     doors together are held to what the file-descriptor limit leaves ({@link FileDescriptorBudget})
 * @param idleTimeout time a TCP or WebSocket connection may stay silent (no command, no ping) before
 *     it is told and closed ({@code NUN_IDLE_TIMEOUT}, default 0: never, as NunDB clients keep idle
 *     watch connections open)
 * @param lineTimeout time a TCP client has to finish a command line it started before it is told and
 *     closed ({@code NUN_LINE_TIMEOUT}, default 30 s; 0: never); a silent connection has no line
 *     pending and is not affected
 */
@ConfigurationProperties("nundb.limits")
public record LimitsProperties(
        long outboxMaxBytes,
        long outboundTotalBytes,
        @DurationUnit(ChronoUnit.SECONDS) Duration handshakeTimeout,
        int maxConnections,
        @DurationUnit(ChronoUnit.SECONDS) Duration idleTimeout,
        @DurationUnit(ChronoUnit.SECONDS) Duration lineTimeout) {

    static final long DEFAULT_OUTBOX_MAX_BYTES = 16L * 1024 * 1024;

    public LimitsProperties {
        outboxMaxBytes = outboxMaxBytes <= 0 ? DEFAULT_OUTBOX_MAX_BYTES : outboxMaxBytes;
        outboundTotalBytes = outboundTotalBytes <= 0 ? Runtime.getRuntime().maxMemory() / 4 : outboundTotalBytes;
        handshakeTimeout = handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                ? Duration.ofSeconds(10)
                : handshakeTimeout;
        idleTimeout = idleTimeout == null || idleTimeout.isNegative() ? Duration.ZERO : idleTimeout;
        lineTimeout =
                lineTimeout == null ? Duration.ofSeconds(30) : lineTimeout.isNegative() ? Duration.ZERO : lineTimeout;
        maxConnections = maxConnections <= 0 ? 10_000 : maxConnections;
    }
}
