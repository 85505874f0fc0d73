package io.nundb.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One NunDB database: a concurrent map of key to versioned value.
 *
 * <p>Every change to a key runs under that key's lock stripe, so that the version it gets, its
 * op-log record and its watch events come out in the same order.
 */
public final class Database {

    /** Keys that live in memory only: they describe connections, not data. */
    public static final String CONNECTIONS_KEY = "$connections";

    public static final String TOKEN_KEY = "$$token";

    private static final int STRIPES = 256;

    private final String name;
    private final Strategy strategy;
    private final Map<String, VersionedValue> data = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    private final Journal journal;
    private final ChangeListener listener;
    private final OppIds oppIds;
    private final AtomicInteger connections = new AtomicInteger();

    Database(String name, Strategy strategy, Journal journal, ChangeListener listener, OppIds oppIds) {
        this.name = name;
        this.strategy = strategy;
        this.journal = journal;
        this.listener = listener;
        this.oppIds = oppIds;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    public String name() {
        return name;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** The stored value (a tombstone for a removed key), or null when the key never existed. */
    public VersionedValue get(String key) {
        return data.get(key);
    }

    /** The live (not removed) value, or null. */
    public VersionedValue getLive(String key) {
        VersionedValue v = data.get(key);
        return v == null || v.deleted() ? null : v;
    }

    /** Live keys in no particular order. */
    public List<String> liveKeys() {
        List<String> keys = new ArrayList<>(data.size());
        data.forEach((k, v) -> {
            if (!v.deleted()) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** Every stored entry, tombstones included; weakly consistent (used by snapshots). */
    public void forEachEntry(BiConsumer<String, VersionedValue> consumer) {
        data.forEach(consumer);
    }

    public int size() {
        return data.size();
    }

    /**
     * Decides and applies a change to {@code key} atomically: {@code decide} sees the current value
     * (null if absent) under the key's lock and says what to do. An applied change is journaled and
     * announced to the listener before the lock is released.
     */
    public WriteResult mutate(String key, Function<VersionedValue, Decision> decide) {
        synchronized (lockFor(key)) {
            VersionedValue previous = data.get(key);
            Decision decision = decide.apply(previous);
            VersionedValue current;
            LogEntry record;
            if (decision instanceof Decision.Put put) {
                current = VersionedValue.live(put.value(), put.version(), oppIds.next());
                record = LogEntry.put(name, key, put.version(), put.value());
            } else if (decision instanceof Decision.Remove remove) {
                current = VersionedValue.tombstone(remove.version(), oppIds.next());
                record = LogEntry.remove(name, key, remove.version());
            } else {
                return new WriteResult(previous, decision, previous, CompletableFuture.completedFuture(0L));
            }
            data.put(key, current);
            CompletableFuture<Long> durable =
                    CONNECTIONS_KEY.equals(key) ? CompletableFuture.completedFuture(0L) : journal.append(record);
            listener.onChange(name, key, current);
            return new WriteResult(previous, decision, current, durable);
        }
    }

    /** Applies a recovered record: no journal, no notification. */
    public void restore(String key, VersionedValue value) {
        synchronized (lockFor(key)) {
            data.put(key, value);
        }
    }

    /** Drops a tombstone for good (used when a snapshot compacts); live keys are kept. */
    public void purgeTombstone(String key) {
        synchronized (lockFor(key)) {
            VersionedValue v = data.get(key);
            if (v != null && v.deleted()) {
                data.remove(key);
            }
        }
    }

    /** Counts a connection in or out and returns the new count. */
    public int addConnections(int delta) {
        return connections.updateAndGet(n -> Math.max(0, n + delta));
    }

    public int connections() {
        return connections.get();
    }

    private Object lockFor(String key) {
        return locks[(key.hashCode() & 0x7fffffff) % STRIPES];
    }
}
