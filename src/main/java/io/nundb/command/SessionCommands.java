package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.security.AdminCredentials;
import io.nundb.security.SecretVerifier;
import io.nundb.security.SecretVerifier.Verdict;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.Decision;
import io.nundb.storage.VersionedValue;
import io.nundb.watch.WatchRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * auth, use-db, watch, unwatch, unwatch-all, and the end of a session. Secrets are checked by
 * {@link SecretVerifier}: a login completes on the caller's thread when the secret was verified
 * before (or is an old plain one), else on a hash thread.
 */
final class SessionCommands {

    static final Response CLOSED = Response.error(ErrorCode.UNAVAILABLE, "connection closed");
    static final String BUSY_LINE = "login busy: too many logins being checked, retry\n";

    /** A login's answer and what the check found (throttling counts only {@code INVALID}). */
    record Login(Response response, Verdict verdict) {}

    private final Databases databases;
    private final AdminCredentials admin;
    private final SecretVerifier verifier;
    /** Checked when a user does not exist, so an unknown user takes as long as a wrong token. */
    private volatile CompletableFuture<String> noSuchSecret;

    private final WatchRegistry watches;
    private final Access access;

    SessionCommands(
            Databases databases,
            AdminCredentials admin,
            SecretVerifier verifier,
            WatchRegistry watches,
            Access access) {
        this.databases = databases;
        this.admin = admin;
        this.verifier = verifier;
        this.watches = watches;
        this.access = access;
    }

    /** A wrong password clears an earlier admin login (NunDB kept it: bug 31). */
    CompletableFuture<Login> auth(Session session, String user, String password) {
        return admin.check(user, password).thenApply(verdict -> {
            session.admin(verdict == Verdict.VALID);
            return switch (verdict) {
                case VALID -> new Login(VALID_AUTH, verdict);
                case INVALID -> new Login(invalidAuth(List.of(INVALID_AUTH_TEXT)), verdict);
                case BUSY -> new Login(invalidAuth(List.of(BUSY_LINE, INVALID_AUTH_TEXT)), verdict);
            };
        });
    }

    static final String INVALID_AUTH_TEXT = "invalid auth\n";
    private static final Response VALID_AUTH = Response.ok("valid auth\n");

    /** NunDB answers a wrong {@code auth} with {@code invalid auth} and then {@code ok}: a failure on an ok line. */
    static Response invalidAuth(List<String> pushed) {
        return new Response.Failure(
                ErrorCode.INVALID_AUTH,
                String.join("", pushed).strip().replace('\n', ' '),
                pushed,
                Response.Outcome.OK,
                null);
    }

    CompletableFuture<Login> useDb(Session session, String name, String user, String token) {
        Database db = databases.get(name);
        if (db == null) {
            return CompletableFuture.completedFuture(
                    new Login(Response.error(ErrorCode.NOT_FOUND, "Not a valid database name"), Verdict.INVALID));
        }
        String secretKey = user == null ? Database.TOKEN_KEY : SecretWrites.USER_PREFIX + user;
        VersionedValue secret = db.getLive(secretKey);
        CompletableFuture<String> stored =
                secret == null ? noSuchSecret() : CompletableFuture.completedFuture(secret.value());
        return stored.thenCompose(hash -> verifier.verify(hash, token == null ? "" : token))
                .exceptionally(e -> Verdict.BUSY)
                .thenApply(verdict -> {
                    if (verdict == Verdict.BUSY) {
                        return new Login(
                                new Response.Failure(
                                        ErrorCode.UNAVAILABLE,
                                        "Invalid token",
                                        List.of(BUSY_LINE),
                                        Response.Outcome.ERROR,
                                        "Invalid token"),
                                verdict);
                    }
                    if (verdict != Verdict.VALID || secret == null) {
                        return new Login(Response.error(ErrorCode.INVALID_AUTH, "Invalid token"), Verdict.INVALID);
                    }
                    return new Login(select(session, db, user, secretKey, secret), verdict);
                });
    }

    private CompletableFuture<String> noSuchSecret() {
        CompletableFuture<String> f = noSuchSecret;
        if (f == null || f.isCompletedExceptionally()) {
            f = verifier.hash("no such secret " + System.nanoTime(), admin.hashIterations());
            noSuchSecret = f;
        }
        return f;
    }

    private Response select(Session session, Database db, String user, String secretKey, VersionedValue secret) {
        // Locked against close() on a transport thread: a closing session must not be counted in.
        synchronized (session) {
            if (session.isClosed()) {
                return CLOSED;
            }
            session.user(user);
            session.credential(secretKey, secret.version());
            if (db.name().equals(session.db())) {
                return Response.ok(); // still one session on this db
            }
            leaveSelected(session);
            session.db(db.name());
            countConnection(db, +1);
        }
        return Response.ok();
    }

    Response watch(Session session, String key) {
        Response denied = access.checkKey(session, key, 'r');
        if (denied != null) {
            return denied;
        }
        synchronized (session) {
            if (session.isClosed()) {
                return CLOSED;
            }
            watches.watch(session.db(), key, session.outbox(), (db, k) -> mayStillRead(session, db, k));
        }
        return Response.ok();
    }

    /**
     * Whether the session may still read {@code key} of {@code dbName}: an admin always; anyone
     * else while the secret it logged in with is unchanged (same version: not re-created, not
     * removed) and its permissions allow reading the key. Non-blocking (map reads only).
     */
    boolean mayStillRead(Session session, String dbName, String key) {
        if (session.isAdmin()) {
            return true;
        }
        Database db = databases.get(dbName);
        String credentialKey = session.credentialKey();
        if (db == null || credentialKey == null) {
            return false;
        }
        VersionedValue secret = db.getLive(credentialKey);
        return secret != null
                && secret.version() == session.credentialVersion()
                && access.allowed(db, session.user(), 'r', key);
    }

    Response unwatch(Session session, String key) {
        if (access.selected(session) == null) {
            return Access.noDbSelected();
        }
        watches.unwatch(session.db(), key, session.outbox());
        return Response.ok();
    }

    Response unwatchAll(Session session) {
        if (access.selected(session) == null) {
            return Access.noDbSelected();
        }
        watches.unwatchAll(session.db(), session.outbox());
        return Response.ok();
    }

    /** The connection is gone: drop every watch it had, in every database, and count it out. */
    void close(Session session) {
        synchronized (session) {
            if (!session.markClosed()) {
                return;
            }
            watches.unwatchEverywhere(session.outbox());
            leaveSelected(session);
            session.db(null);
        }
    }

    private void leaveSelected(Session session) {
        Database previous = databases.get(session.db());
        if (previous != null) {
            countConnection(previous, -1);
        }
    }

    /** Keeps {@code $connections} equal to the sessions on the db (compatibility B.12). */
    private static void countConnection(Database db, int delta) {
        db.mutate(
                Database.CONNECTIONS_KEY,
                current -> Decision.put(Integer.toString(db.addConnections(delta)), Writes.nextFree(current)));
    }
}
