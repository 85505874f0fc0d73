package io.nundb.cluster.raft;

/**
 * What a {@link RaftNode} needs from the world: time, timers, the network and randomness. The real
 * node wires it to its event loop and transport; the simulation to a virtual clock and network.
 * Scheduled tasks must run on the node's thread (the one that calls {@link RaftNode}).
 */
public interface RaftEnvironment {

    /** Milliseconds on a monotonic clock. */
    long nowMillis();

    /** Runs {@code task} on the node's thread after {@code delayMillis}. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Sends one message; best effort, must not block (the message may be lost). */
    void send(String to, RaftMessage message);

    /** A random number in {@code [0, bound)}; seeded in the simulation. */
    long randomLong(long bound);
}
