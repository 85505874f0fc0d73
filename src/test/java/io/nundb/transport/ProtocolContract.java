package io.nundb.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NunDB's client protocol as every transport must speak it (compatibility A.3-A.5, B.2, B.7, B.12).
 * A transport's test subclasses this and supplies {@link #openClient()} against a server whose admin
 * is {@value #ADMIN_USER}/{@value #ADMIN_PWD}.
 *
 * <p>Replies are compared as text, independent of framing: {@link #expect} reads messages and
 * concatenates them until it has as many characters as the expected text, so the TCP lines {@code
 * "error error no-db-selected\n"} + {@code " \n"} and one WebSocket frame holding both compare
 * equal. Tests that need a connection that outlives a command (watching, {@code $connections} after
 * a close) run only when {@link #supportsWatch()} is true; an HTTP subclass returns false by design.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class ProtocolContract {

    public static final String ADMIN_USER = "nun";
    public static final String ADMIN_PWD = "nun-pwd";

    /** How long to wait for a message that must come. */
    protected static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private static final AtomicInteger DB_IDS = new AtomicInteger();

    private final List<ProtocolClient> opened = new ArrayList<>();

    /** A new connection to the server under test, ready for its first command. */
    protected abstract ProtocolClient openClient();

    /** Whether connections persist between commands, so watches and connection counts apply. */
    protected boolean supportsWatch() {
        return true;
    }

    /**
     * Whether an empty command gets {@code error empty command}. True for line transports; where
     * commands are split out of a frame or body, an empty piece is skipped with no reply
     * (compatibility B.4), and such a transport returns false.
     */
    protected boolean answersEmptyCommand() {
        return true;
    }

    @AfterEach
    protected final void closeClients() {
        opened.forEach(ProtocolClient::close);
        opened.clear();
    }

    // ---- helpers ---------------------------------------------------------------------------

    protected ProtocolClient client() {
        ProtocolClient c = openClient();
        opened.add(c);
        return c;
    }

    protected ProtocolClient admin() {
        ProtocolClient c = client();
        call(c, "auth " + ADMIN_USER + " " + ADMIN_PWD, "valid auth\n", "ok \n");
        return c;
    }

    /** Creates a fresh database (unique per test) with token {@code <name>-token}; returns its name. */
    protected String newDb(ProtocolClient admin) {
        String name = "contract" + DB_IDS.incrementAndGet() + "_" + Long.toString(System.nanoTime(), 36);
        call(admin, "create-db " + name + " " + name + "-token", "create-db success\n", "ok \n");
        return name;
    }

    /** A token-authenticated (non-admin) client on {@code db}. */
    protected ProtocolClient user(String db) {
        ProtocolClient c = client();
        call(c, "use-db " + db + " " + db + "-token", "ok \n");
        return c;
    }

    /** Sends {@code command} and expects exactly the texts that follow, in order. */
    protected static void call(ProtocolClient c, String command, String... expected) {
        c.send(command);
        expect(c, expected);
    }

    /** Reads the next messages and compares them with {@code expected}, one text at a time. */
    protected static void expect(ProtocolClient c, String... expected) {
        for (String text : expected) {
            assertEquals(text, read(c, text.length()), "reply");
        }
    }

    /** Reads messages until at least {@code length} characters arrived; fails on a timeout. */
    protected static String read(ProtocolClient c, int length) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            String m = c.next(REPLY_TIMEOUT);
            assertNotNull(m, "no message within " + REPLY_TIMEOUT + "; got so far: '" + sb + "'");
            sb.append(m);
        }
        return sb.toString();
    }

    // ---- auth ------------------------------------------------------------------------------

    @Test
    public void authWithAdminCredentialsIsValid() {
        call(client(), "auth " + ADMIN_USER + " " + ADMIN_PWD, "valid auth\n", "ok \n");
    }

    @Test
    public void authWithWrongPasswordIsInvalid() {
        ProtocolClient c = client();
        call(c, "auth " + ADMIN_USER + " wrong", "invalid auth\n", "ok \n");
        call(c, "create-db nope nope-token", "error Not auth \n");
    }

    // ---- databases -------------------------------------------------------------------------

    @Test
    public void createDbThenUseDbWithToken() {
        ProtocolClient admin = admin();
        String db = newDb(admin);
        call(admin, "create-db " + db + " other", "error database already exists \n");
        ProtocolClient c = client();
        call(c, "use-db " + db + " " + db + "-token", "ok \n");
        call(c, "use " + db + " " + db + "-token", "ok \n");
        call(c, "use-db " + db + " bad-token", "error Invalid token \n");
        call(c, "use-db no_such_db_here x", "error Not a valid database name \n");
    }

    @Test
    public void useDbWithUserForm() {
        ProtocolClient admin = admin();
        String db = newDb(admin);
        call(admin, "use-db " + db + " " + db + "-token", "ok \n");
        call(admin, "create-user alice alice-secret", "ok \n");
        call(admin, "set-permissions alice rw *", "ok \n");
        call(admin, "set shared hello", "ok \n");
        ProtocolClient alice = client();
        call(alice, "use-db " + db + " alice wrong", "error Invalid token \n");
        call(alice, "use-db " + db + " alice alice-secret", "ok \n");
        call(alice, "get shared", "value hello\n", "ok \n");
    }

    // ---- reads and writes ------------------------------------------------------------------

    @Test
    public void setThenGetKeepsSpacesInTheValue() {
        ProtocolClient c = user(newDb(admin()));
        call(c, "set greeting hello big world", "ok \n");
        call(c, "get greeting", "value hello big world\n", "ok \n");
        call(c, "get missing", "value <Empty>\n", "ok \n");
    }

    @Test
    public void setSafeFollowsVersionsAndReportsInvalidVersionAsError() {
        ProtocolClient c = user(newDb(admin()));
        call(c, "get-safe name", "value-version 1 <Empty>\n", "ok \n");
        call(c, "set-safe name 0 mateus", "ok \n");
        call(c, "get-safe name", "value-version 1 mateus\n", "ok \n");
        call(c, "set-safe name 0 maria", "error Invalid version! \n");
        call(c, "get name", "value mateus\n", "ok \n");
        call(c, "set-safe name 1 amanda", "ok \n");
        call(c, "get-safe name", "value-version 2 amanda\n", "ok \n");
        call(c, "set name plain", "ok \n");
        call(c, "get-safe name", "value-version 3 plain\n", "ok \n");
    }

    @Test
    public void removeDeletesTheKey() {
        ProtocolClient c = user(newDb(admin()));
        call(c, "set doomed 1", "ok \n");
        call(c, "remove doomed", "ok \n");
        call(c, "get doomed", "value <Empty>\n", "ok \n");
    }

    @Test
    public void incrementAddsAndRejectsNonNumbers() {
        ProtocolClient c = user(newDb(admin()));
        call(c, "increment visits", "ok \n");
        call(c, "increment visits 10", "ok \n");
        call(c, "get visits", "value 11\n", "ok \n");
        call(c, "set s abc", "ok \n");
        call(c, "increment s", "error Key is not numeric \n");
    }

    @Test
    public void keysListsSortedWithACommaBeforeEachKey() {
        ProtocolClient c = user(newDb(admin()));
        call(c, "keys nothing-matches-this", "keys \n", "ok \n");
        call(c, "set b 2", "ok \n");
        call(c, "set a 1", "ok \n");
        call(c, "keys a", "keys ,a\n", "ok \n");
        call(c, "keys", "keys ,$connections,a,b\n", "ok \n");
        call(c, "set apple 1", "ok \n");
        call(c, "set pineapple 1", "ok \n");
        call(c, "set banana 1", "ok \n");
        call(c, "keys a*", "keys ,a,apple\n", "ok \n");
        call(c, "keys *le", "keys ,apple,pineapple\n", "ok \n");
        call(c, "keys nan", "keys ,banana\n", "ok \n");
        call(c, "ls *le", "keys ,apple,pineapple\n", "ok \n");
        // no pattern, and the empty pattern clients send as "keys ": everything but $$ keys
        call(c, "keys", "keys ,$connections,a,apple,b,banana,pineapple\n", "ok \n");
        call(c, "keys ", "keys ,$connections,a,apple,b,banana,pineapple\n", "ok \n");
    }

    @Test
    public void secureKeysNeedAdmin() {
        ProtocolClient c = user(newDb(admin()));
        call(c, "get $$token", "error To read security keys you must auth as an admin! \n");
    }

    @Test
    public void pipelinedCommandsAreAnsweredInOrder() {
        ProtocolClient c = user(newDb(admin()));
        c.send("set p 1");
        c.send("get p");
        c.send("increment p 2");
        c.send("get-safe p");
        c.send("bogus");
        c.send("get p");
        expect(c, "ok \n", "value 1\n", "ok \n", "ok \n", "value-version 1 3\n", "ok \n");
        expect(c, "error unknown command: bogus \n", "value 3\n", "ok \n");
    }

    // ---- errors ----------------------------------------------------------------------------

    @Test
    public void noDbSelectedIsPushedThenReturned() {
        ProtocolClient c = client();
        call(c, "get k", "error no-db-selected\n", "error error no-db-selected\n \n");
        call(c, "set k v", "error no-db-selected\n", "error error no-db-selected\n \n");
    }

    @Test
    public void permissionDeniedIsPushedThenReturned() {
        ProtocolClient admin = admin();
        String db = newDb(admin);
        call(admin, "use-db " + db + " " + db + "-token", "ok \n");
        call(admin, "create-user reader reader-secret", "ok \n");
        call(admin, "set-permissions reader r *", "ok \n");
        ProtocolClient reader = client();
        call(reader, "use-db " + db + " reader reader-secret", "ok \n");
        call(reader, "get anything", "value <Empty>\n", "ok \n");
        call(reader, "set anything x", "permission denied\n", "error permission denied\n \n");
    }

    @Test
    public void unknownCommand() {
        call(client(), "frobnicate now", "error unknown command: frobnicate \n");
    }

    @Test
    public void emptyCommand() {
        assumeTrue(answersEmptyCommand(), "transport skips empty pieces (B.4)");
        call(client(), "", "error empty command \n");
    }

    @Test
    public void clusterInternalCommandsAreUnknownOnClientPorts() {
        ProtocolClient c = admin();
        call(c, "rp 1 set a b", "error unknown command: rp \n");
        call(c, "ack 1 somewhere", "error unknown command: ack \n");
        call(c, "replicate-since node 0", "error unknown command: replicate-since \n");
        call(c, "set-primary 127.0.0.1:1", "error unknown command: set-primary \n");
        call(c, "election candidate 1 x", "error unknown command: election \n");
    }

    // ---- watching (needs a connection that stays open) -------------------------------------

    @Test
    public void watcherOnAnotherConnectionSeesChangesAndRemoves() {
        assumeTrue(supportsWatch(), "transport has no persistent connections");
        String db = newDb(admin());
        ProtocolClient watcher = user(db);
        ProtocolClient writer = user(db);
        call(watcher, "watch color", "ok \n");
        call(writer, "set color red", "ok \n");
        expect(watcher, "changed color red\n", "changed-version color 0 red\n");
        call(writer, "set color dark blue", "ok \n");
        expect(watcher, "changed color dark blue\n", "changed-version color 1 dark blue\n");
        call(writer, "remove color", "ok \n");
        expect(watcher, "removed color\n");
    }

    @Test
    public void unwatchStopsNotifications() {
        assumeTrue(supportsWatch(), "transport has no persistent connections");
        String db = newDb(admin());
        ProtocolClient watcher = user(db);
        ProtocolClient writer = user(db);
        call(watcher, "watch k", "ok \n");
        call(writer, "set k 1", "ok \n");
        expect(watcher, "changed k 1\n", "changed-version k 0 1\n");
        call(watcher, "unwatch k", "ok \n");
        call(writer, "set k 2", "ok \n");
        // The writer's ok means any notification was already queued for the watcher, ahead of
        // the reply to its next command.
        call(watcher, "get k", "value 2\n", "ok \n");
        call(watcher, "watch k", "ok \n");
        call(watcher, "unwatch-all", "ok \n");
        call(writer, "set k 3", "ok \n");
        call(watcher, "get k", "value 3\n", "ok \n");
    }

    @Test
    public void connectionsCountGoesDownWhenAConnectionCloses() {
        assumeTrue(supportsWatch(), "transport has no persistent connections");
        String db = newDb(admin());
        ProtocolClient first = user(db);
        ProtocolClient second = user(db);
        call(first, "get $connections", "value 2\n", "ok \n");
        second.close();
        await().atMost(REPLY_TIMEOUT).untilAsserted(() -> {
            first.send("get $connections");
            String value = read(first, "value 1\n".length());
            expect(first, "ok \n");
            assertThat(value).isEqualTo("value 1\n");
        });
    }
}
