package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.storage.Database;
import io.nundb.storage.Decision;
import io.nundb.storage.OppIds;
import io.nundb.storage.VersionRules;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.WriteResult;
import io.nundb.watch.Outbox;
import io.nundb.watch.WatchRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The arbiter strategy (reference 4.3, 4.4): parking a conflicting key, the {@code resolve …}
 * requests sent to arbiters, the {@code $conflicts_<key>_<id>} records and their resolution.
 */
final class Conflicts {

    static final String ARBITERS_KEY = "$conflicts";
    static final String RECORD_PREFIX = "$conflicts_";
    static final String RESOLVED = "resolved";

    /** Filled in under the key's lock when a write is parked for an arbiter. */
    static final class Parked {
        String text;
        long oppId;
    }

    private static final int LOCK_STRIPES = 64;

    private final WatchRegistry watches;
    private final OppIds oppIds;
    private final Object[] locks = new Object[LOCK_STRIPES];
    /**
     * What each arbiter's user may read, by its outbox: a conflict (key and values) goes only to
     * arbiters allowed to read the key, checked when it is sent. Weak keys: an arbiter's entry
     * goes with its connection.
     */
    private final Map<Outbox, Predicate<String>> arbiterReads = Collections.synchronizedMap(new WeakHashMap<>());

    Conflicts(WatchRegistry watches, OppIds oppIds) {
        this.watches = watches;
        this.oppIds = oppIds;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Serialises the conflict bookkeeping of one key: taken before, never inside, a store key lock
     * (the parked key and its record live under different store locks).
     */
    Object lockFor(Database db, String key) {
        return locks[((31 * db.name().hashCode() + key.hashCode()) & 0x7fffffff) % LOCK_STRIPES];
    }

    /** An arbiter is a live watcher of {@code $conflicts} (not merely a stale entry, bug 25). */
    boolean arbiterConnected(Database db) {
        return watches.hasWatchers(db.name(), ARBITERS_KEY);
    }

    void park(Database db, String key, VersionedValue current, String value, int version, Parked parked) {
        long oppId = oppIds.next();
        String prev;
        int ver;
        if (current.version() != VersionRules.CONFLICT) {
            prev = current.value();
            ver = current.version();
        } else {
            List<String> records = records(db, key);
            prev = records.isEmpty() ? current.value() : records.get(records.size() - 1);
            ver = version + records.size();
        }
        parked.oppId = oppId;
        parked.text = "resolve " + oppId + " " + db.name() + " " + ver + " " + key + " " + prev + " " + value;
    }

    /** Records the parked conflict, asks the arbiters, and answers the writer with the record name. */
    CompletableFuture<Response> raise(
            Database db, String key, String text, long oppId, CompletableFuture<Long> parkedDurable) {
        String recordKey = RECORD_PREFIX + key + "_" + oppId;
        WriteResult record = Writes.overwrite(db, recordKey, text);
        watches.pushIf(db.name(), ARBITERS_KEY, text + "\n", arbiter -> mayRead(arbiter, key));
        Response answer = Response.error(ErrorCode.CONFLICT, "$$conflitct unresolved " + recordKey);
        return Results.whenDurable(
                CompletableFuture.allOf(parkedDurable, record.durable()).thenApply(v -> 0L), answer);
    }

    private boolean mayRead(Outbox arbiter, String key) {
        Predicate<String> reads = arbiterReads.get(arbiter);
        return reads != null && reads.test(key);
    }

    /**
     * The {@code arbiter} command: register, drop resolved records, replay the pending requests of
     * keys {@code mayRead} allows.
     */
    Response registerArbiter(Database db, Outbox outbox, Predicate<String> mayRead) {
        arbiterReads.put(outbox, mayRead);
        watches.watch(db.name(), ARBITERS_KEY, outbox);
        List<String> pending = new ArrayList<>();
        for (String k : sortedRecords(db, RECORD_PREFIX)) {
            VersionedValue v = latestLive(db, k);
            if (v == null) {
                continue;
            }
            if (v.value().startsWith(RESOLVED)) {
                db.mutate(
                        k,
                        cur -> cur == null || cur.deleted()
                                ? Decision.reject(null)
                                : new Decision.Remove(cur.version() + 1));
            } else if (mayRead.test(keyOfRecord(k))) {
                pending.add(v.value() + "\n");
            }
        }
        return Response.ok(pending);
    }

    /**
     * Applies an arbiter's answer on {@code db}. NunDB answered ok whatever happened; we answer ok
     * unless the version would overflow.
     */
    CompletableFuture<Response> resolve(Database db, Command.Resolve r) {
        synchronized (lockFor(db, r.key())) {
            return resolveLocked(db, r);
        }
    }

    /**
     * Refuses, changing nothing, a negative version or one that would take the key below its
     * current version. Marks the conflict's record resolved only once the key is written, and only
     * a record that exists: a resolution never creates {@code $conflicts_…} keys (NunDB still
     * answers ok to a resolution of a conflict it does not know, and so do we).
     */
    private CompletableFuture<Response> resolveLocked(Database db, Command.Resolve r) {
        String recordKey = RECORD_PREFIX + r.key() + "_" + r.oppId();
        boolean recorded = db.getLive(recordKey) != null;
        if (r.version() < 0) {
            return CompletableFuture.completedFuture(Writes.rejection(Writes.Rejection.VERSION));
        }
        boolean stillPending = records(db, r.key()).stream()
                .filter(k -> !k.equals(recordKey))
                .map(k -> latestLive(db, k))
                .anyMatch(v -> v != null && !v.value().startsWith(RESOLVED));
        WriteResult write = db.mutate(r.key(), current -> {
            if (stillPending) {
                return Decision.put(r.value(), VersionRules.CONFLICT);
            }
            int next = VersionRules.nextVersion(current, r.version(), true);
            boolean backwards = current != null && current.version() >= 0 && next <= current.version();
            return VersionRules.isConflict(next) || next < 0 || backwards
                    ? Decision.reject(Writes.Rejection.VERSION)
                    : Decision.put(r.value(), next);
        });
        if (!write.applied()) {
            return CompletableFuture.completedFuture(Writes.rejection(Writes.Rejection.VERSION));
        }
        if (!recorded) {
            return Results.whenDurable(write.durable(), Response.ok());
        }
        WriteResult record = Writes.overwrite(db, recordKey, RESOLVED + " " + r.value());
        return Results.whenDurable(
                CompletableFuture.allOf(record.durable(), write.durable()).thenApply(v -> 0L), Response.ok());
    }

    /** The key a {@code $conflicts_<key>_<id>} record is about. */
    private static String keyOfRecord(String recordKey) {
        String rest = recordKey.substring(RECORD_PREFIX.length());
        int underscore = rest.lastIndexOf('_');
        return underscore < 0 ? rest : rest.substring(0, underscore);
    }

    /** Conflict records still pending, for {@code debug pending-conflicts}. */
    List<String> pendingRecords(Database db) {
        List<String> out = new ArrayList<>();
        for (String k : sortedRecords(db, RECORD_PREFIX)) {
            VersionedValue v = latestLive(db, k);
            if (v != null && !v.value().startsWith(RESOLVED)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Records of one key, by exact prefix (not NunDB's substring match, bug 26), sorted. */
    private static List<String> records(Database db, String key) {
        String prefix = RECORD_PREFIX + key + "_";
        List<String> out = sortedRecords(db, prefix);
        out.removeIf(k -> !isDigits(k.substring(prefix.length())));
        return out;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Conflict records chain one decision to the next, so they are read as decided (a record
     * written a moment ago may not be applied yet).
     */
    private static VersionedValue latestLive(Database db, String key) {
        VersionedValue v = db.latest(key);
        return v == null || v.deleted() ? null : v;
    }

    private static List<String> sortedRecords(Database db, String prefix) {
        List<String> out = new ArrayList<>();
        for (String k : db.latestLiveKeys()) {
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        out.sort(null);
        return out;
    }
}
