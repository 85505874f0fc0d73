package io.nundb.cluster;

import io.nundb.cluster.raft.RaftMessage;
import java.util.concurrent.CompletableFuture;

/**
 * How nodes reach each other. {@code cluster.rpc} implements it over RSocket (the only package that
 * imports RSocket); tests use an in-memory one that can drop, delay, duplicate, reorder and
 * partition. Peers are named by their cluster address ({@code host:port}).
 */
public interface PeerTransport extends AutoCloseable {

    /** Starts accepting peers' traffic, handing it to {@code inbound}. */
    void start(Inbound inbound);

    /** Sends one Raft message; best effort (it may be lost, like any network message). */
    void send(String peer, RaftMessage message);

    /** Runs a client command on {@code peer} (the primary); fails if the peer cannot be reached. */
    CompletableFuture<ForwardReply> forward(String peer, ForwardRequest request);

    /** Opens the link to {@code peer} now rather than at the first message; never blocks. */
    default void connect(String peer) {}

    /** Whether this node's link to {@code peer} is up now (forwards need it; {@code cluster-state} shows it). */
    default boolean isConnected(String peer) {
        return true;
    }

    @Override
    void close();

    /**
     * What a node does with its peers' traffic. Called on transport threads (for RSocket, the Netty
     * event loop that serves the sender's connection): must not block, so it hands the message to
     * the node's own thread (a queue) and returns at once.
     */
    interface Inbound {
        void onMessage(RaftMessage message);

        CompletableFuture<ForwardReply> onForward(ForwardRequest request);
    }
}
