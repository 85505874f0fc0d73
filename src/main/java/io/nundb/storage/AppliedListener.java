package io.nundb.storage;

/**
 * Told about every applied change: watchers, the streaming change feed and (later) replication
 * shipping all consume applied entries through this one door.
 *
 * <p>Called by {@link StateMachine#apply} on the thread that applies (standalone: the op log's ack
 * thread), never with a key's lock held. Entries with an index are applied one at a time in index
 * order, so the calls for one key arrive in version order. Memory-only changes ({@code
 * $connections}) arrive with index 0, in their own order, possibly on another thread. Must not
 * block.
 */
public interface AppliedListener {

    /**
     * {@code entry} was applied: {@code key} of database {@code entry.db()} now holds {@code value}
     * (a tombstone when {@code value.deleted()}). For {@link OpType#CREATE_DB} the key is {@link
     * Database#TOKEN_KEY}. An index of 0 marks a memory-only change, which is never replicated.
     */
    void onApplied(LogEntry entry, String key, VersionedValue value);

    AppliedListener NONE = (entry, key, value) -> {};
}
