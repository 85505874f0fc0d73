package io.nundb.cluster.raft;

/** A scheduled task that can be called off. */
@FunctionalInterface
public interface Cancellable {
    /** Stops the task from running if it has not run yet; harmless afterwards. */
    void cancel();
}
