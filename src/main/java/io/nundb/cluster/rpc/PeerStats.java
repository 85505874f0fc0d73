package io.nundb.cluster.rpc;

/**
 * A snapshot of one outbound peer link's counters (cumulative since the transport started), for
 * metrics and the admin view.
 *
 * @param peer the peer's cluster address
 * @param connected whether the link is up now
 * @param messagesSent Raft messages written to the connection
 * @param messagesDropped Raft messages lost here: peer unreachable, queue full, or too large
 * @param bytesSent encoded bytes of the sent messages and forwards
 * @param forwardsSent forwarded commands answered by the peer
 * @param forwardsFailed forwarded commands that failed (unreachable, timeout, remote error)
 * @param lastRttNanos last measured round trip of a ping or forward, or -1 before the first
 * @param connects successful connections so far (more than one means reconnects)
 */
public record PeerStats(
        String peer,
        boolean connected,
        long messagesSent,
        long messagesDropped,
        long bytesSent,
        long forwardsSent,
        long forwardsFailed,
        long lastRttNanos,
        long connects) {}
