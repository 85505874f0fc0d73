package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** auth, use-db/use, create-db and the {@code $connections} bookkeeping (reference 2.3.1-2.3.3). */
class SessionCommandsTest {

    private final TestEngine engine = new TestEngine();

    @Test
    void authWithTheAdminPairIsValid() {
        engine.client().expect("auth nun nun-pwd", "valid auth\n", "ok \n");
    }

    @Test
    void authWithAWrongPasswordOrUserIsInvalid() {
        Client c = engine.client();
        c.expect("auth nun wrong", "invalid auth\n", "ok \n");
        c.expect("auth other nun-pwd", "invalid auth\n", "ok \n");
        c.expect("auth", "invalid auth\n", "ok \n");
        c.expect("auth nun", "invalid auth\n", "ok \n");
    }

    @Test
    void aPasswordKeepsItsSpaces() {
        TestEngine spaced = new TestEngine();
        // the admin password has no space: the extra word makes it wrong
        spaced.client().expect("auth nun nun-pwd extra", "invalid auth\n", "ok \n");
    }

    /** Deviation from NunDB (bug 31): a wrong auth clears an earlier admin login. */
    @Test
    void aWrongAuthAfterAGoodOneClearsTheAdminFlag() {
        Client c = engine.admin();
        c.expect("auth nun wrong", "invalid auth\n", "ok \n");
        c.expect("create-db x x-pwd", "error Not auth \n");
        c.expect("auth nun nun-pwd", "valid auth\n", "ok \n");
        c.expect("create-db x x-pwd", "create-db success\n", "ok \n");
    }

    @Test
    void createDbNeedsTheAdmin() {
        engine.client().expect("create-db test test-pwd", "error Not auth \n");
    }

    @Test
    void createDbTwiceIsRefused() {
        Client c = engine.admin();
        c.expect("create-db test test-pwd arbiter", "create-db success\n", "ok \n");
        c.expect("create-db test test-pwd", "error database already exists \n");
        c.expect("create-db test other newer", "error database already exists \n");
    }

    @Test
    void createDbWithoutTokenIsAParseErrorEvenUnauthenticated() {
        engine.client().expect("create-db test", "error create-db must be followed by a token \n");
    }

    @Test
    void createDbStrategiesAreListedByDebug() {
        Client c = engine.admin();
        c.expect("create-db a a-pwd arbiter", "create-db success\n", "ok \n");
        c.expect("create-db b b-pwd newer", "create-db success\n", "ok \n");
        c.expect("create-db c c-pwd none", "create-db success\n", "ok \n");
        c.expect("create-db d d-pwd", "create-db success\n", "ok \n");
        c.expect("create-db e e-pwd something-else", "create-db success\n", "ok \n");
        c.expect(
                "debug list-dbs",
                "dbs-list \n$admin : newer\na : arbiter\nb : newer\nc : none\nd : none\ne : none\n",
                "ok \n");
    }

    /** Compatibility B.13: names that could escape a directory or break parsing are refused. */
    @ParameterizedTest
    @ValueSource(strings = {"../etc", "a/b", "a\\b", "..", ".", "$admin", "$x", "a|b", "a;b"})
    void badDatabaseNamesAreRefused(String name) {
        engine.admin().expect("create-db " + name + " pwd", "error Not a valid database name \n");
    }

    @Test
    void aTooLongDatabaseNameIsRefused() {
        engine.admin().expect("create-db " + "d".repeat(129) + " pwd", "error Not a valid database name \n");
        engine.admin().expect("create-db " + "d".repeat(128) + " pwd", "create-db success\n", "ok \n");
    }

    @Test
    void useDbWithTheToken() {
        engine.admin().expect("create-db sample sample-pwd", "create-db success\n", "ok \n");
        Client c = engine.client();
        c.expect("use-db sample sample-pwd", "ok \n");
        c.expect("set name mateus", "ok \n");
        c.expect("use sample sample-pwd", "ok \n");
        c.expect("get name", "value mateus\n", "ok \n");
    }

    @Test
    void useDbErrors() {
        engine.admin().expect("create-db sample sample-pwd", "create-db success\n", "ok \n");
        Client c = engine.client();
        c.expect("use-db nope x", "error Not a valid database name \n");
        c.expect("use-db sample bad", "error Invalid token \n");
        c.expect("use-db sample", "error set-safe must be followed by a version and key \n");
        c.expect("use sample", "error set-safe must be followed by a version and key \n");
        c.expect("use-db sample nobody sample-pwd", "error Invalid token \n");
        // nothing got selected
        c.expect("get name", "error no-db-selected\n", "error error no-db-selected\n \n");
    }

    @Test
    void useDbWithAUser() {
        Client admin = engine.adminOn("sample", "none");
        admin.expect("create-user foo bar", "ok \n");
        admin.expect("set-permissions foo rw *", "ok \n");
        admin.expect("set name mateus", "ok \n");
        Client c = engine.client();
        c.expect("use sample foo wrong", "error Invalid token \n");
        c.expect("use sample foo bar", "ok \n");
        c.expect("get name", "value mateus\n", "ok \n");
    }

    @Test
    void aUserTokenMayContainSpaces() {
        Client admin = engine.adminOn("sample", "none");
        admin.expect("create-user foo bar baz", "ok \n");
        assertThat(admin.send("get $$user_foo"))
                .startsWith("value $pbkdf2-sha256$")
                .doesNotContain("bar");
        engine.client().expect("use-db sample foo bar baz", "ok \n");
    }

    @Test
    void theAdminDatabaseOpensWithTheAdminPassword() {
        engine.admin().expect("create-db sample sample-pwd", "create-db success\n", "ok \n");
        Client c = engine.client();
        c.expect("use-db $admin wrong", "error Invalid token \n");
        c.expect("use-db $admin nun-pwd", "ok \n");
        c.expect("keys sample", "keys ,sample\n", "ok \n");
        c.expect("get sample", "value {}\n", "ok \n");
    }

    @Test
    void connectionsCountsSessionsOnTheDb() {
        engine.admin().expect("create-db sample sample-pwd", "create-db success\n", "ok \n");
        Client a = engine.tokenClient("sample");
        a.expect("get $connections", "value 1\n", "ok \n");
        Client b = engine.tokenClient("sample");
        a.expect("get $connections", "value 2\n", "ok \n");
        b.close();
        a.expect("get $connections", "value 1\n", "ok \n");
    }

    /** Compatibility B.12: switching db or closing takes the connection out of the old db's count. */
    @Test
    void connectionsGoesDownWhenASessionSwitchesDbOrCloses() {
        Client admin = engine.admin();
        admin.expect("create-db one one-pwd", "create-db success\n", "ok \n");
        admin.expect("create-db two two-pwd", "create-db success\n", "ok \n");
        Client watcher = engine.tokenClient("one");
        watcher.expect("watch $connections", "ok \n");
        Client mover = engine.tokenClient("one");
        assertThat(watcher.pushed()).containsExactly("changed $connections 2\n", "changed-version $connections 1 2\n");
        mover.expect("use-db two two-pwd", "ok \n");
        assertThat(watcher.pushed()).containsExactly("changed $connections 1\n", "changed-version $connections 2 1\n");
        watcher.expect("get $connections", "value 1\n", "ok \n");
        mover.expect("get $connections", "value 1\n", "ok \n");
        mover.close();
        mover.close(); // a second close changes nothing
        Client check = engine.tokenClient("two");
        check.expect("get $connections", "value 1\n", "ok \n");
    }

    @Test
    void reselectingTheSameDbKeepsTheCount() {
        engine.admin().expect("create-db sample sample-pwd", "create-db success\n", "ok \n");
        Client a = engine.tokenClient("sample");
        a.expect("use-db sample sample-pwd", "ok \n");
        a.expect("get $connections", "value 1\n", "ok \n");
    }

    @Test
    void aClosedSessionLeavesNoWatchInAnyDb() {
        Client admin = engine.admin();
        admin.expect("create-db one one-pwd", "create-db success\n", "ok \n");
        admin.expect("create-db two two-pwd", "create-db success\n", "ok \n");
        Client c = engine.tokenClient("one");
        c.expect("watch a", "ok \n");
        c.expect("use-db two two-pwd", "ok \n");
        c.expect("watch b", "ok \n");
        assertThat(engine.watches.activeWatches()).isEqualTo(2);
        c.close();
        assertThat(engine.watches.activeWatches()).isZero();
    }

    @Test
    void aClosedSessionCannotRunCommands() {
        engine.admin().expect("create-db sample sample-pwd", "create-db success\n", "ok \n");
        Client c = engine.client();
        c.close();
        c.expect("use-db sample sample-pwd", "error connection closed \n");
        engine.tokenClient("sample").expect("get $connections", "value 1\n", "ok \n");
    }
}
