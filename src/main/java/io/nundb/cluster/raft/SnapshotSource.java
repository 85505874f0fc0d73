package io.nundb.cluster.raft;

/**
 * One stored snapshot as the leader ships it. It must stay readable while a transfer uses it, even
 * if a newer snapshot is taken meanwhile.
 */
public interface SnapshotSource {

    /** Index of the last entry the snapshot covers. */
    long index();

    /** Term of that entry. */
    long term();

    /** Size in bytes. */
    long size();

    /** {@code length} bytes from {@code offset} (fewer only at the end). */
    byte[] read(long offset, int length);
}
