package io.nundb.cluster.rpc;

import java.time.Duration;

/**
 * Settings of an {@link RSocketPeerTransport}. Start from {@link #of} and adjust with the
 * {@code with…} methods.
 *
 * @param nodeId this node's id as peers know it ({@code NUN_EXTERNAL_ADDR}, default the cluster address)
 * @param bindAddress {@code host:port} the server listens on ({@code NUN_CLUSTER_ADDR}); port 0 picks a free one
 * @param secret the shared cluster secret ({@code NUN_CLUSTER_SECRET}); required
 * @param maxPayloadBytes largest message accepted or sent (after reassembly); larger ones are dropped
 * @param queueCapacity messages waiting per peer for the network; beyond it the oldest are dropped
 * @param minBackoff first reconnect delay after a peer is lost
 * @param maxBackoff longest reconnect delay (delays double up to it, with jitter)
 * @param forwardTimeout how long a forwarded command waits for a connection and the primary's reply
 * @param pingInterval how often a connected link measures its round-trip time
 */
public record RpcOptions(
        String nodeId,
        String bindAddress,
        String secret,
        int maxPayloadBytes,
        int queueCapacity,
        Duration minBackoff,
        Duration maxBackoff,
        Duration forwardTimeout,
        Duration pingInterval) {

    /** 16 MiB: a peer cannot make this node buffer more than that for one message. */
    public static final int DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

    /** A snapshot chunk size that stays far below {@link #DEFAULT_MAX_PAYLOAD}. */
    public static final int RECOMMENDED_SNAPSHOT_CHUNK = 1024 * 1024;

    /** The smallest payload limit: one whole frame ({@link RSocketPeerTransport#MAX_FRAME_LENGTH}) must fit. */
    public static final int MIN_MAX_PAYLOAD = 128 * 1024;

    public RpcOptions {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("error NUN_CLUSTER_SECRET is required to run clustered");
        }
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("error the node id (NUN_EXTERNAL_ADDR) is empty");
        }
        PeerAddress.parse(bindAddress);
        if (maxPayloadBytes < MIN_MAX_PAYLOAD || queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "error maxPayloadBytes must be >= " + MIN_MAX_PAYLOAD + " and queueCapacity >= 1");
        }
    }

    public static RpcOptions of(String nodeId, String bindAddress, String secret) {
        return new RpcOptions(
                nodeId,
                bindAddress,
                secret,
                DEFAULT_MAX_PAYLOAD,
                4096,
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2));
    }

    public RpcOptions withMaxPayloadBytes(int bytes) {
        return new RpcOptions(
                nodeId,
                bindAddress,
                secret,
                bytes,
                queueCapacity,
                minBackoff,
                maxBackoff,
                forwardTimeout,
                pingInterval);
    }

    public RpcOptions withQueueCapacity(int capacity) {
        return new RpcOptions(
                nodeId,
                bindAddress,
                secret,
                maxPayloadBytes,
                capacity,
                minBackoff,
                maxBackoff,
                forwardTimeout,
                pingInterval);
    }

    public RpcOptions withBackoff(Duration min, Duration max) {
        return new RpcOptions(
                nodeId, bindAddress, secret, maxPayloadBytes, queueCapacity, min, max, forwardTimeout, pingInterval);
    }

    public RpcOptions withForwardTimeout(Duration timeout) {
        return new RpcOptions(
                nodeId,
                bindAddress,
                secret,
                maxPayloadBytes,
                queueCapacity,
                minBackoff,
                maxBackoff,
                timeout,
                pingInterval);
    }

    public RpcOptions withPingInterval(Duration interval) {
        return new RpcOptions(
                nodeId,
                bindAddress,
                secret,
                maxPayloadBytes,
                queueCapacity,
                minBackoff,
                maxBackoff,
                forwardTimeout,
                interval);
    }
}
