package io.nundb.command;

import io.nundb.protocol.Response;
import io.nundb.security.LoginThrottle;
import io.nundb.watch.Outbox;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection's state: admin flag, selected database, db user, and the outbox its
 * replies and notifications go to. A transport runs one session's commands one at a time.
 */
public final class Session {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final String transport;
    private final Outbox outbox;
    private volatile boolean admin;
    private volatile String db;
    private volatile String user;
    private volatile boolean closed;
    // the latest command not answered yet that later ones may have to wait for (CommandExecutor)
    private volatile CompletableFuture<Response> unfinished;
    private volatile boolean unfinishedAreDataWrites;
    /** The secret key checked at {@code use-db} and its version then: a change revokes the login. */
    private volatile String credentialKey;

    private volatile int credentialVersion;

    private final String source;
    /** Failed logins in a row and when the last one was, for throttling (event order only). */
    private int failedLogins;

    private long lastFailedLoginMillis;

    public Session(String transport, Outbox outbox) {
        this(transport, outbox, null);
    }

    /** @param source the client's address (IP), for failed-login throttling; null when unknown */
    public Session(String transport, Outbox outbox, String source) {
        this.transport = transport;
        this.outbox = outbox;
        this.source = source;
    }

    /** The client's address, or null when the transport does not know it. */
    public String source() {
        return source;
    }

    synchronized long loginLockedFor(long nowMillis) {
        return Math.max(0, lastFailedLoginMillis + LoginThrottle.lockMillis(failedLogins) - nowMillis);
    }

    synchronized void loginFailed(long nowMillis) {
        failedLogins++;
        lastFailedLoginMillis = nowMillis;
    }

    synchronized void loginSucceeded() {
        failedLogins = 0;
    }

    /** The transport name of a session that runs a command a secondary forwarded to this primary. */
    public static final String FORWARDED = "forwarded";

    /**
     * A session for one command forwarded by a secondary, which authenticated the client: it acts as
     * that client (its database, user and admin flag). It has no connection, so nothing is pushed.
     */
    public static Session forwarded(String db, String user, boolean admin) {
        Session s = new Session(FORWARDED, message -> false);
        s.db = db;
        s.user = user;
        s.admin = admin;
        return s;
    }

    public long id() {
        return id;
    }

    public String transport() {
        return transport;
    }

    public Outbox outbox() {
        return outbox;
    }

    public boolean isAdmin() {
        return admin;
    }

    void admin(boolean value) {
        this.admin = value;
    }

    /** The selected database name, or null. */
    public String db() {
        return db;
    }

    void db(String value) {
        this.db = value;
    }

    /** The db user given at {@code use-db}, or null for a token login. */
    public String user() {
        return user;
    }

    void user(String value) {
        this.user = value;
    }

    void credential(String key, int version) {
        this.credentialKey = key;
        this.credentialVersion = version;
    }

    String credentialKey() {
        return credentialKey;
    }

    int credentialVersion() {
        return credentialVersion;
    }

    /** Whether {@link CommandExecutor#close} ran for this session. */
    public boolean isClosed() {
        return closed;
    }

    boolean markClosed() {
        boolean was = closed;
        closed = true;
        return !was;
    }

    CompletableFuture<Response> unfinished() {
        return unfinished;
    }

    boolean unfinishedAreDataWrites() {
        return unfinishedAreDataWrites;
    }

    void unfinished(CompletableFuture<Response> command, boolean dataWrites) {
        unfinished = command;
        unfinishedAreDataWrites = dataWrites;
    }

    @Override
    public String toString() {
        return "Session[" + transport + "#" + id + (db == null ? "" : ", db=" + db) + "]";
    }
}
