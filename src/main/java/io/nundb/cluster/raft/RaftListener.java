package io.nundb.cluster.raft;

/** What a {@link RaftNode} reports, on its own thread; implementations must not block. */
public interface RaftListener {

    /** The node's role, term or known leader changed ({@code leaderId} null when unknown). */
    void roleChanged(RaftNode.Role role, long term, String leaderId);

    /** Entries up to {@code commitIndex} are committed and may be applied, in order. */
    void commitAdvanced(long commitIndex);

    /** {@code count} uncommitted entries from {@code fromIndex} on were dropped (they conflicted). */
    void truncated(long fromIndex, long count);

    /**
     * This node leads {@code term} and its no-op at {@code noopIndex} is committed: everything
     * committed before is known, so writes may be decided now.
     */
    void leaderReady(long term, long noopIndex);

    /** The member set changed (a member change was appended, truncated, or came with a snapshot). */
    default void membersChanged(java.util.Set<String> members) {}

    /** The log now starts after a snapshot received from the leader: reload the state machine from it. */
    void snapshotInstalled(long index, long term);
}
