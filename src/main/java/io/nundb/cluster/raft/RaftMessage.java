package io.nundb.cluster.raft;

import io.nundb.storage.LogEntry;
import java.util.List;

/**
 * The messages Raft nodes exchange. One-way: every reply is a message of its own, so a transport
 * only has to deliver (or lose, delay, duplicate, reorder) them. Node ids are the nodes' cluster
 * addresses ({@code host:port}).
 */
public sealed interface RaftMessage {

    /** The sender's current term. */
    long term();

    /** The sender's node id. */
    String from();

    /** Asks for a vote; with {@code preVote} it only asks whether a real election could win (no term change). */
    record VoteRequest(long term, String from, long lastLogIndex, long lastLogTerm, boolean preVote)
            implements RaftMessage {}

    record VoteReply(long term, String from, boolean granted, boolean preVote) implements RaftMessage {}

    /** Entries after {@code prevLogIndex} (none for a heartbeat) and how far the leader has committed. */
    record AppendEntries(
            long term, String from, long prevLogIndex, long prevLogTerm, List<LogEntry> entries, long leaderCommit)
            implements RaftMessage {
        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * {@code success}: the follower holds, durably, everything up to {@code matchIndex}. Otherwise
     * {@code matchIndex} is a hint: the follower's last index (the leader backs up to it).
     */
    record AppendReply(long term, String from, boolean success, long matchIndex) implements RaftMessage {}

    /** One chunk of the leader's snapshot, for a follower whose next entry was compacted away. */
    record InstallSnapshot(
            long term,
            String from,
            long lastIncludedIndex,
            long lastIncludedTerm,
            long offset,
            byte[] chunk,
            boolean done)
            implements RaftMessage {}

    /** The follower has the chunks up to {@code nextOffset}; {@code done} once it installed the snapshot. */
    record InstallSnapshotReply(long term, String from, long lastIncludedIndex, long nextOffset, boolean done)
            implements RaftMessage {}
}
