package io.nundb.watch;

import io.nundb.protocol.Replies;
import io.nundb.storage.AppliedListener;
import io.nundb.storage.LogEntry;
import io.nundb.storage.VersionedValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Who watches which key of which database. Told of every applied change by the state machine (on
 * the applying thread, off the key locks; entries are applied in index order, so notifications for
 * one key go out in version order) and fans it out to the watchers' outboxes.
 */
public final class WatchRegistry implements AppliedListener {

    private record DbKey(String db, String key) {}

    private final Map<DbKey, Set<Outbox>> watchers = new ConcurrentHashMap<>();
    private final Map<Outbox, Set<DbKey>> byOutbox = new ConcurrentHashMap<>();
    private final Map<Outbox, ReadGuard> guards = new ConcurrentHashMap<>();
    private final DeliveryStats stats;

    public WatchRegistry(DeliveryStats stats) {
        this.stats = stats;
    }

    public WatchRegistry() {
        this(new DeliveryStats());
    }

    public DeliveryStats stats() {
        return stats;
    }

    /** Registers {@code outbox} for changes of {@code key}; watching twice has no extra effect. */
    public void watch(String db, String key, Outbox outbox) {
        DbKey k = new DbKey(db, key);
        // Add inside compute: an unwatch that empties the set drops it from the map, so a set
        // fetched outside the map's lock could be an orphan and the watch silently lost.
        watchers.compute(k, (x, set) -> {
            Set<Outbox> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(outbox);
            return s;
        });
        byOutbox.computeIfAbsent(outbox, x -> ConcurrentHashMap.newKeySet()).add(k);
    }

    /**
     * Like {@link #watch(String, String, Outbox)}, and every change is delivered to {@code outbox}
     * only while {@code guard} still allows it: a watcher whose read permission or credentials
     * were revoked gets {@code permission denied} once and loses the watch.
     */
    public void watch(String db, String key, Outbox outbox, ReadGuard guard) {
        guards.put(outbox, guard);
        watch(db, key, outbox);
    }

    public void unwatch(String db, String key, Outbox outbox) {
        DbKey k = new DbKey(db, key);
        removeFrom(k, outbox);
        Set<DbKey> keys = byOutbox.get(outbox);
        if (keys != null) {
            keys.remove(k);
        }
    }

    /** Removes every watch of {@code outbox} in database {@code db}. */
    public void unwatchAll(String db, Outbox outbox) {
        Set<DbKey> keys = byOutbox.get(outbox);
        if (keys == null) {
            return;
        }
        keys.removeIf(k -> {
            if (k.db().equals(db)) {
                removeFrom(k, outbox);
                return true;
            }
            return false;
        });
    }

    /** Removes every watch of {@code outbox} in every database (the connection closed). */
    public void unwatchEverywhere(Outbox outbox) {
        Set<DbKey> keys = byOutbox.remove(outbox);
        guards.remove(outbox);
        if (keys != null) {
            keys.forEach(k -> removeFrom(k, outbox));
        }
    }

    /** False (and the watch ended with {@code permission denied}) when the guard now refuses. */
    private boolean permitted(Outbox o, String db, String key) {
        ReadGuard guard = guards.get(o);
        if (guard == null || guard.mayRead(db, key)) {
            return true;
        }
        unwatch(db, key, o);
        o.offer(Replies.PERMISSION_DENIED);
        return false;
    }

    public boolean hasWatchers(String db, String key) {
        Set<Outbox> set = watchers.get(new DbKey(db, key));
        return set != null && !set.isEmpty();
    }

    /** Sends {@code message} to every watcher of the key; returns how many got it. */
    public int push(String db, String key, String message) {
        return pushIf(db, key, message, o -> true);
    }

    /** Sends {@code message} to the watchers of the key that {@code to} accepts. */
    public int pushIf(String db, String key, String message, Predicate<Outbox> to) {
        Set<Outbox> set = watchers.get(new DbKey(db, key));
        if (set == null) {
            return 0;
        }
        int delivered = 0;
        for (Outbox o : set) {
            if (to.test(o) && o.offer(message)) {
                delivered++;
            }
        }
        stats.sent(delivered);
        return delivered;
    }

    /** The number of (connection, key) watch registrations. */
    public long activeWatches() {
        long n = 0;
        for (Set<Outbox> s : watchers.values()) {
            n += s.size();
        }
        return n;
    }

    /** One watched key and how many connections watch it. */
    public record WatchedKey(String db, String key, int watchers) {}

    /** Every watched key now, sorted by database then key (a moment's copy, for the admin view). */
    public List<WatchedKey> watchedKeys() {
        List<WatchedKey> list = new ArrayList<>();
        watchers.forEach((k, set) -> {
            if (!set.isEmpty()) {
                list.add(new WatchedKey(k.db(), k.key(), set.size()));
            }
        });
        list.sort(Comparator.comparing(WatchedKey::db).thenComparing(WatchedKey::key));
        return list;
    }

    @Override
    public void onApplied(LogEntry entry, String key, VersionedValue value) {
        onChange(entry.db(), key, value);
    }

    /** {@code key} of {@code db} now holds {@code value}: tell who wants to know. */
    public void onChange(String db, String key, VersionedValue value) {
        if (watchers.isEmpty()) {
            return; // no lookup key built for every write of a node nobody watches
        }
        Set<Outbox> set = watchers.get(new DbKey(db, key));
        if (set == null || set.isEmpty()) {
            return;
        }
        // Built once for every watcher: each transport encodes it once and shares the bytes.
        Notification change = value.deleted()
                ? Notification.of(Replies.removed(key))
                : Notification.of(
                        Replies.changed(key, value.value()),
                        Replies.changedVersion(key, value.version(), value.value()));
        int delivered = 0;
        for (Outbox o : set) {
            if (permitted(o, db, key) && o.offer(change)) {
                delivered += change.count();
            }
        }
        stats.sent(delivered);
    }

    private void removeFrom(DbKey k, Outbox outbox) {
        watchers.computeIfPresent(k, (x, set) -> {
            set.remove(outbox);
            return set.isEmpty() ? null : set;
        });
    }
}
