package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.security.KeyPattern;
import io.nundb.security.Names;
import io.nundb.storage.Database;
import io.nundb.storage.Decision;
import io.nundb.storage.VersionRules;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.WriteResult;
import io.nundb.watch.WatchRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** get, get-safe, set, set-safe, remove, increment and keys. */
final class DataCommands {

    private final Access access;
    private final Writes writes;
    private final WatchRegistry watches;

    DataCommands(Access access, Writes writes, WatchRegistry watches) {
        this.access = access;
        this.writes = writes;
        this.watches = watches;
    }

    Response get(Session session, String key) {
        Response denied = access.checkKey(session, key, 'r');
        if (denied != null) {
            return denied;
        }
        return value(access.selected(session).get(key), key, false);
    }

    Response getSafe(Session session, String key) {
        Response denied = access.checkKey(session, key, 'r');
        if (denied != null) {
            return denied;
        }
        return value(access.selected(session).get(key), key, true);
    }

    /**
     * No value: a key that never existed is version 1, as NunDB's get-safe says; a removed one
     * keeps its tombstone's version.
     */
    private static Response value(VersionedValue v, String key, boolean versioned) {
        if (v == null) {
            return Response.value(key, 1, null, versioned);
        }
        return Response.value(key, v.version(), v.deleted() ? null : v.value(), versioned);
    }

    CompletableFuture<Response> set(Session session, String key, int version, String value) {
        Response denied = checkWrite(session, key, 'w');
        if (denied != null) {
            return CompletableFuture.completedFuture(denied);
        }
        return writes.write(access.selected(session), key, value, version);
    }

    CompletableFuture<Response> remove(Session session, String key) {
        Response denied = checkWrite(session, key, 'x');
        if (denied != null) {
            return CompletableFuture.completedFuture(denied);
        }
        return remove(access.selected(session), key);
    }

    CompletableFuture<Response> remove(Database db, String key) {
        if (Database.TOKEN_KEY.equals(key)) {
            return CompletableFuture.completedFuture(
                    Response.error(ErrorCode.BAD_REQUEST, "$$token key cannot be removed"));
        }
        WriteResult r = db.mutate(
                key,
                current -> current == null || current.deleted()
                        ? Decision.reject(null)
                        : new Decision.Remove(Writes.nextFree(current)));
        if (!r.applied()) {
            // NunDB tells watchers even when there was nothing to remove.
            watches.push(db.name(), key, Replies.removed(key));
        }
        return Results.whenDurable(r.durable(), Response.ok());
    }

    CompletableFuture<Response> increment(Session session, String key, long by) {
        Response denied = checkWrite(session, key, 'i');
        if (denied != null) {
            return CompletableFuture.completedFuture(denied);
        }
        return increment(access.selected(session), key, by);
    }

    /** Adds {@code by}; the version keeps counting up (compatibility B.10). */
    CompletableFuture<Response> increment(Database db, String key, long by) {
        WriteResult r = db.mutate(key, current -> {
            long base;
            if (current == null || current.deleted()) {
                base = 0;
            } else {
                try {
                    base = Long.parseLong(current.value().trim());
                } catch (NumberFormatException e) {
                    return Decision.reject(Writes.Rejection.NOT_NUMERIC);
                }
            }
            long sum;
            try {
                sum = Math.addExact(base, by);
            } catch (ArithmeticException e) {
                return Decision.reject(Writes.Rejection.OVERFLOW);
            }
            int next = current == null ? 0 : VersionRules.nextVersion(current, VersionRules.ANY, false);
            if (VersionRules.isConflict(next)) {
                return Decision.reject(Writes.Rejection.VERSION);
            }
            return Decision.put(Long.toString(sum), next);
        });
        if (!r.applied()) {
            return CompletableFuture.completedFuture(Writes.rejection((Writes.Rejection) r.rejection()));
        }
        return Results.whenDurable(r.durable(), Response.ok());
    }

    Response keys(Session session, String pattern) {
        Database db = access.selected(session);
        if (db == null) {
            return Access.noDbSelected();
        }
        KeyPattern matcher = KeyPattern.of(pattern);
        boolean admin = session.isAdmin();
        List<String> keys = new ArrayList<>();
        for (String k : db.liveKeys()) {
            if ((admin || !k.startsWith("$$")) && matcher.matches(k)) {
                keys.add(k);
            }
        }
        keys.sort(DataCommands::compareAsUtf8);
        return Response.keys(keys);
    }

    /**
     * NunDB sorts keys by their UTF-8 bytes, which is code point order; {@link String#compareTo}
     * compares UTF-16 units and differs for characters outside the BMP.
     */
    static int compareAsUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private Response checkWrite(Session session, String key, char letter) {
        String invalid = Names.invalidKeyReason(key);
        if (invalid != null) {
            return Response.error(ErrorCode.BAD_REQUEST, invalid);
        }
        return access.checkKey(session, key, letter);
    }
}
