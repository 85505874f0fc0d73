package io.nundb.storage;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies log entries to memory: {@link #apply} is the only code that changes the applied state,
 * whether the entry was written here (through the {@link WritePipeline}), came from the primary
 * (replication) or from disk (recovery). It is also the only source of change events.
 *
 * <p>Threading: entries with an index are applied one at a time and in index order by whoever
 * the caller is (the pipeline's drain, the recovery thread, the cluster); memory-only entries
 * (index 0, {@code $connections}) may be applied concurrently with them. Never called with a key's
 * lock held.
 */
public final class StateMachine {

    private static final Logger log = LoggerFactory.getLogger(StateMachine.class);

    private final Databases databases;
    private volatile AppliedListener[] listeners = new AppliedListener[0];
    private volatile long appliedIndex;
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();
    private volatile String members;
    private final ConcurrentSkipListMap<Long, String> memberHistory = new ConcurrentSkipListMap<>();

    StateMachine(Databases databases) {
        this.databases = databases;
    }

    /** Adds a consumer of applied entries (watchers, change feed, replication), in call order. */
    public synchronized void addListener(AppliedListener listener) {
        AppliedListener[] now = listeners;
        AppliedListener[] next = java.util.Arrays.copyOf(now, now.length + 1);
        next[now.length] = listener;
        listeners = next;
    }

    /**
     * The cluster's member set as the applied {@link OpType#CONFIG} entries (or the snapshot) left
     * it, sorted and comma-separated; null when no membership change was ever applied.
     */
    public String members() {
        return members;
    }

    /**
     * The member sets applied, by index (0 for the one a snapshot held): what the log and the
     * snapshot say about membership, for the cluster to read at start and after a resync.
     */
    public NavigableMap<Long, String> memberHistory() {
        return new TreeMap<>(memberHistory);
    }

    /** Takes the member sets of {@code other} (memory rebuilt from the files by a resync). */
    public void restoreMembers(StateMachine other) {
        memberHistory.clear();
        memberHistory.putAll(other.memberHistory);
        members = other.members;
    }

    /** The highest index applied; everything at or below it is in memory. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** Completes once the entry at {@code index} (and so every earlier one) is applied. */
    public CompletableFuture<Void> whenApplied(long index) {
        if (appliedIndex >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = waiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        releaseWaiters(); // the index may have been applied while we registered
        return f;
    }

    /**
     * Applies one entry: recovery, followers and the pipeline all come here. Entries with an index
     * must arrive in index order; applying an entry again is harmless (it holds the key's full
     * resulting state).
     *
     * @throws IllegalStateException when the entry names a database that does not exist
     */
    public void apply(LogEntry entry) {
        apply(entry, null);
    }

    /**
     * Sets the applied index after memory was brought to the state of the log up to {@code index}
     * by other means (the cluster resynchronised it after a divergent tail was dropped or a
     * snapshot was installed); it may go down.
     */
    public void resetAppliedIndex(long index) {
        appliedIndex = index;
        releaseWaiters();
    }

    /** Marks everything up to {@code index} as applied (a snapshot holding it was loaded). */
    public void restoredUpTo(long index) {
        advance(index);
    }

    /** {@code decided}: the value the decision made (kept, so the overlay can be cleared by identity). */
    void apply(LogEntry entry, VersionedValue decided) {
        Database db;
        String key;
        VersionedValue value;
        switch (entry.type()) {
            case CREATE_DB -> {
                db = databases.install(entry.db(), entry.key(), Strategy.fromWord(entry.value()));
                key = Database.TOKEN_KEY;
                value = db.get(key);
            }
            case PUT -> {
                db = require(entry);
                key = entry.key();
                value = decided != null
                        ? decided
                        : VersionedValue.live(
                                entry.value(),
                                entry.version(),
                                databases.oppIds().next());
                db.applied(key, value);
            }
            case REMOVE -> {
                db = require(entry);
                key = entry.key();
                value = decided != null
                        ? decided
                        : VersionedValue.tombstone(
                                entry.version(), databases.oppIds().next());
                db.applied(key, value);
            }
            case NOOP -> {
                // a leader's first entry of its term: it holds no state, only an index
                advance(entry.index());
                return;
            }
            case CONFIG -> {
                // membership is the cluster's state, not data: no watcher hears of it
                members = entry.value();
                memberHistory.put(entry.index(), entry.value());
                advance(entry.index());
                return;
            }
            default -> throw new IllegalStateException("unknown entry type " + entry.type());
        }
        for (AppliedListener l : listeners) {
            try {
                l.onApplied(entry, key, value);
            } catch (RuntimeException e) {
                // memory already holds the entry: one failing consumer must not stop the others or the log
                log.error("Listener {} failed on entry {} ({}/{})", l, entry.index(), entry.db(), key, e);
            }
        }
        // only now, with every watcher's notification queued: a waiter released here answers a
        // client (a write forwarded from this secondary), and a watcher must hear of the change before
        // anything that client does after that answer (released first, a watch made in between got
        // the change it already read)
        if (entry.index() > 0) {
            advance(entry.index());
        }
    }

    private void advance(long index) {
        if (index > appliedIndex) {
            appliedIndex = index;
            if (!waiters.isEmpty()) {
                releaseWaiters();
            }
        }
    }

    private void releaseWaiters() {
        Map.Entry<Long, CompletableFuture<Void>> first;
        while ((first = waiters.firstEntry()) != null && first.getKey() <= appliedIndex) {
            if (waiters.remove(first.getKey(), first.getValue())) {
                first.getValue().complete(null);
            }
        }
    }

    private Database require(LogEntry entry) {
        Database db = databases.get(entry.db());
        if (db == null) {
            throw new IllegalStateException(
                    "log entry " + entry.index() + " names database '" + entry.db() + "' that was never created");
        }
        return db;
    }
}
