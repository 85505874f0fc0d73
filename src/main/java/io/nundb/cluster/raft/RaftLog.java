package io.nundb.cluster.raft;

import io.nundb.storage.LogEntry;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The replicated log as Raft sees it: entries after the newest snapshot. Called on the node's thread
 * only; writes return at once and their durability is reported later, back on the node's thread.
 *
 * <p>Durability reports (the {@code onDurable} callbacks and {@link RaftNode#localAppended}) say
 * "entries 1..n, as the log holds them now, are on disk". A report made for entries that a later
 * {@link #truncateAfter} removed must be clamped to the truncation point: the node would otherwise
 * count new, not yet written entries at the same indexes as durable.
 */
public interface RaftLog {

    /** Index of the last entry (the snapshot index when the log after it is empty; 0 when empty). */
    long lastIndex();

    /** Term of the entry at {@code index}: 0 for index 0, the snapshot's term at its index, -1 if unknown. */
    long termAt(long index);

    /** Index of the last entry the newest snapshot covers (0 without a snapshot). */
    long snapshotIndex();

    /**
     * Up to {@code maxEntries} entries from {@code fromIndex} ({@code > snapshotIndex()}), stopping
     * once {@code maxBytes} is reached but always at least one if {@code fromIndex <= lastIndex()}.
     */
    List<LogEntry> read(long fromIndex, int maxEntries, long maxBytes);

    /**
     * Appends an entry the leader made (its term and index {@code lastIndex()+1} already set); its
     * durability is reported through {@link RaftNode#localAppended}.
     */
    void appendLeader(LogEntry entry);

    /**
     * Appends entries from the leader, right after {@code lastIndex()}; calls {@code onDurable} with
     * the last of them, on the node's thread, once they are on disk (never if the process dies first).
     */
    void appendFollower(List<LogEntry> entries, LongConsumer onDurable);

    /** Drops every entry after {@code index}; returns how many were dropped. */
    long truncateAfter(long index);

    /**
     * The member sets the log holds ({@link io.nundb.storage.OpType#CONFIG} entries, by index; the
     * newest snapshot's set at or below its index). Read at start and after a snapshot is installed.
     */
    java.util.NavigableMap<Long, java.util.Set<String>> memberSets();

    /** The newest snapshot, or null when there is none. */
    SnapshotSource snapshot();

    /**
     * Stores one chunk of a snapshot being received. Returns the offset it expects next: a chunk at
     * another offset (or of another snapshot than the one in progress, unless it starts at 0) is not
     * stored.
     */
    long receiveSnapshotChunk(long index, long term, byte[] chunk, long offset);

    /**
     * Makes the fully received snapshot the log's base, durably: every entry is dropped and the log
     * continues after {@code index}. The node then tells its listener ({@link
     * RaftListener#snapshotInstalled}) so that the state machine reloads from it.
     */
    void installSnapshot(long index, long term);
}
