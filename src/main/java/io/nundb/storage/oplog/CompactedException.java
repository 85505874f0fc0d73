package io.nundb.storage.oplog;

/**
 * The entries asked for were dropped from the op log because a snapshot covers them: a follower
 * that needs them must be sent the snapshot instead.
 */
public final class CompactedException extends RuntimeException {

    private final long requested;
    private final long firstIndex;

    public CompactedException(long requested, long firstIndex) {
        super("op-log index " + requested + " was compacted into a snapshot; the log starts at " + firstIndex);
        this.requested = requested;
        this.firstIndex = firstIndex;
    }

    public long requested() {
        return requested;
    }

    /** The first index the log still holds. */
    public long firstIndex() {
        return firstIndex;
    }
}
