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
 * One NunDB database: a concurrent map of key to versioned value (the applied state), and an
 * overlay of the values decided but not yet applied.
 *
 * <p>A change to a key is decided under that key's lock stripe against the latest decided state
 * (overlay, else applied) and handed to the {@link WritePipeline} while the lock is held, so the
 * key's versions and log indexes come out in the same order. Only {@link StateMachine#apply}
 * changes the applied map. {@code $connections} is memory-only: decided and applied at once under
 * its own lock, never journaled.
 */
public final class Database {

    /** Keys that live in memory only: they describe connections, not data. */
    public static final String CONNECTIONS_KEY = "$connections";

    public static final String TOKEN_KEY = "$$token";

    private static final int STRIPES = 256;
    private static final CompletableFuture<Long> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(0L);

    private final String name;
    private final Strategy strategy;
    private final Map<String, VersionedValue> data = new ConcurrentHashMap<>();
    // decided and handed to the log, not yet applied: what the next decision on the key must see
    private final Map<String, VersionedValue> pending = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    // serialises $connections changes and their notifications (not a key stripe)
    private final Object connectionsLock = new Object();
    private final WritePipeline pipeline;
    private final OppIds oppIds;
    private final AtomicInteger connections = new AtomicInteger();

    Database(String name, Strategy strategy, WritePipeline pipeline, OppIds oppIds) {
        this.name = name;
        this.strategy = strategy;
        this.pipeline = pipeline;
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

    /** The applied value (a tombstone for a removed key), or null when the key never existed. */
    public VersionedValue get(String key) {
        return data.get(key);
    }

    /** The applied live (not removed) value, or null. */
    public VersionedValue getLive(String key) {
        VersionedValue v = data.get(key);
        return v == null || v.deleted() ? null : v;
    }

    /**
     * The latest decided value: one decided but not yet applied if there is one, else the applied
     * one. What a decision sees; bookkeeping that chains decisions (conflict records) reads it too.
     */
    public VersionedValue latest(String key) {
        VersionedValue p = pending.get(key);
        return p != null ? p : data.get(key);
    }

    /** Applied live keys in no particular order. */
    public List<String> liveKeys() {
        List<String> keys = new ArrayList<>(data.size());
        data.forEach((k, v) -> {
            if (!v.deleted()) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** Live keys of the latest decided state (applied keys overlaid by pending decisions). */
    public List<String> latestLiveKeys() {
        if (pending.isEmpty()) {
            return liveKeys();
        }
        List<String> keys = new ArrayList<>(data.size());
        data.forEach((k, v) -> {
            if (!pending.containsKey(k) && !v.deleted()) {
                keys.add(k);
            }
        });
        pending.forEach((k, v) -> {
            if (!v.deleted()) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** Every applied entry, tombstones included; weakly consistent (used by snapshots). */
    public void forEachEntry(BiConsumer<String, VersionedValue> consumer) {
        data.forEach(consumer);
    }

    public int size() {
        return data.size();
    }

    /**
     * Decides a change to {@code key}: {@code decide} sees the latest decided value (null if absent)
     * under the key's lock and says what to do. A change is handed to the log under the lock; it is
     * applied (and watchers told) once the apply policy allows, off the lock. The result's future
     * completes when the change is applied, or exceptionally when the log refused it (then memory
     * never held it and nobody was told).
     */
    public WriteResult mutate(String key, Function<VersionedValue, Decision> decide) {
        if (CONNECTIONS_KEY.equals(key)) {
            return mutateInMemory(key, decide);
        }
        VersionedValue previous;
        Decision decision;
        VersionedValue current;
        WritePipeline.InFlight inFlight;
        synchronized (lockFor(key)) {
            previous = latest(key);
            decision = decide.apply(previous);
            current = valueOf(decision);
            if (current == null) {
                return new WriteResult(previous, decision, previous, NOTHING_TO_WAIT_FOR);
            }
            pending.put(key, current);
            inFlight = pipeline.append(entryOf(key, current), this, key, current);
        }
        // off the lock: with a journal that completes at once, this applies and notifies right here
        pipeline.track(inFlight);
        return new WriteResult(previous, decision, current, inFlight.applied());
    }

    /** {@code $connections}: decided and applied at once (index 0, never journaled), in order. */
    private WriteResult mutateInMemory(String key, Function<VersionedValue, Decision> decide) {
        synchronized (connectionsLock) {
            VersionedValue previous = data.get(key);
            Decision decision = decide.apply(previous);
            VersionedValue current = valueOf(decision);
            if (current == null) {
                return new WriteResult(previous, decision, previous, NOTHING_TO_WAIT_FOR);
            }
            pipeline.applyInMemory(entryOf(key, current), current);
            return new WriteResult(previous, decision, current, NOTHING_TO_WAIT_FOR);
        }
    }

    /** The value a decision gives the key, or null when it changes nothing. */
    private VersionedValue valueOf(Decision decision) {
        if (decision instanceof Decision.Put put) {
            return VersionedValue.live(put.value(), put.version(), oppIds.next());
        }
        if (decision instanceof Decision.Remove remove) {
            return VersionedValue.tombstone(remove.version(), oppIds.next());
        }
        return null;
    }

    private LogEntry entryOf(String key, VersionedValue value) {
        return value.deleted()
                ? LogEntry.remove(name, key, value.version())
                : LogEntry.put(name, key, value.version(), value.value());
    }

    /** The state machine's write: the applied value changes, the overlay goes if this was its latest. */
    void applied(String key, VersionedValue value) {
        data.put(key, value);
        forget(key, value);
    }

    /** The log refused (or the cluster discarded) {@code value}: the overlay no longer shows it. */
    void forget(String key, VersionedValue value) {
        replacePending(key, value, null);
    }

    /**
     * If the overlay still shows {@code expected}, it shows {@code replacement} instead (an earlier
     * decision still waiting to be applied), or nothing when that is null.
     */
    void replacePending(String key, VersionedValue expected, VersionedValue replacement) {
        pending.computeIfPresent(key, (k, v) -> v == expected ? replacement : v);
    }

    /** Drops a tombstone for good (used when a snapshot compacts); live keys are kept. */
    public void purgeTombstone(String key) {
        VersionedValue v = data.get(key);
        if (v != null && v.deleted()) {
            data.remove(key, v);
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
