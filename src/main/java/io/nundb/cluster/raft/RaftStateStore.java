package io.nundb.cluster.raft;

/** The state Raft must never forget: the current term and whom this node voted for in it. */
public interface RaftStateStore {

    long currentTerm();

    /** The candidate voted for in {@link #currentTerm()}, or null. */
    String votedFor();

    /** Stores both durably (fsynced) before returning; throws if it cannot, rather than pretend. */
    void persist(long term, String votedFor);
}
