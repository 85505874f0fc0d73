package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.security.Permissions;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.VersionedValue;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The common checks of reference 2.2: ADMIN, DBSEL and KEY(key, permission). */
final class Access {

    static final String NOT_AUTH = "Not auth";
    static final String TOKEN_USER = "all";
    /** The key of a user's permissions in its database. */
    static final String PERMISSION_PREFIX = "$$permission_$";

    private static final String TOKEN_PERMISSION_KEY = PERMISSION_PREFIX + TOKEN_USER;
    private static final int PERMISSION_CACHE_LIMIT = 10_000;

    private final Databases databases;
    private final Map<String, Permissions> parsed = new ConcurrentHashMap<>();

    Access(Databases databases) {
        this.databases = databases;
    }

    /** The selected database if it still exists, else null. */
    Database selected(Session session) {
        return databases.get(session.db());
    }

    static Response noDbSelected() {
        return Response.pushedError(ErrorCode.NO_DB_SELECTED, Replies.NO_DB_SELECTED);
    }

    static Response permissionDenied() {
        return Response.pushedError(ErrorCode.PERMISSION_DENIED, Replies.PERMISSION_DENIED);
    }

    /**
     * KEY(key, letter): the secure-key check, then DBSEL, then the user's permissions. Returns null
     * when allowed, else the error to answer.
     */
    Response checkKey(Session session, String key, char letter) {
        if (key.startsWith("$$") && !session.isAdmin()) {
            return Response.error(ErrorCode.PERMISSION_DENIED, Replies.SECURE_KEY);
        }
        Database db = selected(session);
        if (db == null) {
            return noDbSelected();
        }
        return allowed(db, session.user(), letter, key) ? null : permissionDenied();
    }

    boolean allowed(Database db, String sessionUser, char letter, String key) {
        if (key.startsWith("$$")) {
            return true; // only admins get here, and secure keys are theirs
        }
        String user = sessionUser == null ? TOKEN_USER : sessionUser;
        // the token user's key (almost every session's) is built once, not per command
        VersionedValue spec = db.getLive(TOKEN_USER.equals(user) ? TOKEN_PERMISSION_KEY : PERMISSION_PREFIX + user);
        if (spec == null) {
            return TOKEN_USER.equals(user);
        }
        return permissions(spec.value()).allows(letter, key);
    }

    private Permissions permissions(String spec) {
        Permissions p = parsed.get(spec);
        if (p == null) {
            p = Permissions.parse(spec);
            if (parsed.size() < PERMISSION_CACHE_LIMIT) {
                parsed.put(spec, p);
            }
        }
        return p;
    }
}
