package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.storage.Database;
import io.nundb.storage.Decision;
import io.nundb.storage.Strategy;
import io.nundb.storage.VersionRules;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.WriteResult;
import java.util.concurrent.CompletableFuture;

/**
 * Versioned writes with the database's conflict strategy (reference 4.2, 4.3): the one path by
 * which set, set-safe, replicate, users and permissions change a key.
 */
final class Writes {

    /** Why a write was rejected. */
    enum Rejection {
        VERSION,
        NO_ARBITER,
        NOT_NUMERIC,
        OVERFLOW
    }

    static final String NO_ARBITER_TEXT = "An conflitct happend and there is no arbiter client not connected";

    private final Conflicts conflicts;

    Writes(Conflicts conflicts) {
        this.conflicts = conflicts;
    }

    /** Writes {@code value} with client version {@code version} (-1 for "next"). */
    CompletableFuture<Response> write(Database db, String key, String value, int version) {
        if (db.strategy() != Strategy.ARBITER) {
            return apply(db, key, value, version);
        }
        // Parking a key and recording its conflict are two steps; a second conflict on the key must
        // see the first one's record to chain to it.
        synchronized (conflicts.lockFor(db, key)) {
            return apply(db, key, value, version);
        }
    }

    private CompletableFuture<Response> apply(Database db, String key, String value, int version) {
        // only an arbiter database parks a write (its strategy never changes)
        Conflicts.Parked parked = db.strategy() == Strategy.ARBITER ? new Conflicts.Parked() : null;
        WriteResult result = db.mutate(key, current -> decide(db, key, current, value, version, parked));
        boolean isParked = parked != null && parked.text != null;
        if (result.applied() && !isParked) {
            return Results.whenDurable(result.durable(), Response.ok());
        }
        if (isParked) {
            return conflicts.raise(db, key, parked.text, parked.oppId, result.durable());
        }
        return CompletableFuture.completedFuture(rejection((Rejection) result.rejection()));
    }

    static Response rejection(Rejection reason) {
        return switch (reason) {
            case VERSION -> Response.versionError();
            case NO_ARBITER -> Response.error(ErrorCode.CONFLICT, NO_ARBITER_TEXT);
            case NOT_NUMERIC -> Response.error(ErrorCode.BAD_REQUEST, "Key is not numeric");
            case OVERFLOW -> Response.error(ErrorCode.BAD_REQUEST, "Increment would overflow");
        };
    }

    private Decision decide(
            Database db, String key, VersionedValue current, String value, int version, Conflicts.Parked parked) {
        int next = VersionRules.nextVersion(current, version, false);
        if (!VersionRules.isConflict(next)) {
            return Decision.put(value, next);
        }
        if (current == null || VersionRules.exhausted(current)) {
            return Decision.reject(Rejection.VERSION); // the version would overflow: nothing to park
        }
        Strategy strategy = db.strategy();
        if (strategy == Strategy.NEWER) {
            int base = current.version() == VersionRules.CONFLICT ? Math.max(version, -1) : current.version();
            return Decision.put(value, base + 1);
        }
        if (strategy == Strategy.ARBITER) {
            if (!conflicts.arbiterConnected(db)) {
                return Decision.reject(Rejection.NO_ARBITER);
            }
            conflicts.park(db, key, current, value, version, parked);
            return Decision.put(current.value(), VersionRules.CONFLICT);
        }
        return Decision.reject(Rejection.VERSION);
    }

    /** A plain write that takes the next version whatever the key holds (internal bookkeeping). */
    static WriteResult overwrite(Database db, String key, String value) {
        return db.mutate(key, current -> Decision.put(value, nextFree(current)));
    }

    static int nextFree(VersionedValue current) {
        if (current == null) {
            return 0;
        }
        return VersionRules.exhausted(current) ? Integer.MAX_VALUE : Math.max(current.version(), -1) + 1;
    }
}
