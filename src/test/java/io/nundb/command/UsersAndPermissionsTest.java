package io.nundb.command;

import io.nundb.command.TestEngine.Client;
import org.junit.jupiter.api.Test;

/** create-user, set-permissions and the permission check (reference 2.3.4, 2.3.5, 5.3). */
class UsersAndPermissionsTest {

    private static final String DENIED = "permission denied\n";
    private static final String DENIED_FINAL = "error permission denied\n \n";

    private final TestEngine engine = new TestEngine();

    /** The unit-test example of reference 5.3, verbatim. */
    @Test
    void referenceExample() {
        Client admin = engine.adminOn("my-db", "none");
        admin.expect("create-user my-user my-token", "ok \n");
        admin.expect("set-permissions my-user rw some|i incjose|r test", "ok \n");
        Client user = engine.client();
        user.expect("use my-db my-user my-token", "ok \n");
        user.expect("set some value", "ok \n");
        user.expect("get some", "value value\n", "ok \n");
        user.expect("increment some", DENIED, DENIED_FINAL);
        user.expect("increment incjose", "ok \n");
        user.expect("get incjose", DENIED, DENIED_FINAL);
        user.expect("get test", "value <Empty>\n", "ok \n");
        user.expect("set test value", DENIED, DENIED_FINAL);
    }

    @Test
    void theSpecIsStoredNormalised() {
        Client admin = engine.adminOn("my-db", "none");
        admin.expect("set-permissions foo rw test-*|rwi count", "ok \n");
        admin.expect("get $$permission_$foo", "value rw test-*|rwi count\n", "ok \n");
        admin.expect("set-permissions foo rw", "ok \n");
        admin.expect("get $$permission_$foo", "value rw \n", "ok \n");
    }

    @Test
    void lettersPatternsAndDefaults() {
        Client admin = engine.adminOn("db", "none");
        admin.expect("create-user u pwd", "ok \n");
        admin.expect("create-user nobody pwd", "ok \n");
        admin.expect("set x 1", "ok \n");
        admin.expect("set-permissions u x *|q r-only|w *suffix", "ok \n");
        Client u = engine.client();
        u.expect("use-db db u pwd", "ok \n");
        u.expect("remove x", "ok \n"); // x: remove anything
        u.expect("get r-only", "value <Empty>\n", "ok \n"); // q counts as r
        u.expect("get other", DENIED, DENIED_FINAL);
        u.expect("set a-suffix 1", "ok \n");
        u.expect("set suffix-a 1", DENIED, DENIED_FINAL);
        u.expect("set-safe a-suffix 0 2", "ok \n");
        u.expect("watch r-only", "ok \n");
        // keys and unwatch are not checked
        u.expect("keys", "keys ,$connections,a-suffix\n", "ok \n");
        u.expect("unwatch-all", "ok \n");

        Client nobody = engine.client();
        nobody.expect("use-db db nobody pwd", "ok \n");
        nobody.expect("get x", DENIED, DENIED_FINAL); // named users get nothing by default
        for (String cmd :
                new String[] {"get-safe x", "set x 2", "set-safe x 9 2", "increment x", "remove x", "watch x"}) {
            nobody.expect(cmd, DENIED, DENIED_FINAL);
        }
        engine.tokenClient("db").expect("get a-suffix", "value 2\n", "ok \n"); // token logins get all
    }

    @Test
    void restrictingAllRestrictsTokenLoginsAndTheAdminToo() {
        Client admin = engine.adminOn("db", "none");
        admin.expect("set-permissions all r *", "ok \n");
        Client token = engine.tokenClient("db");
        token.expect("get a", "value <Empty>\n", "ok \n");
        token.expect("set a 1", DENIED, DENIED_FINAL);
        admin.expect("set a 1", DENIED, DENIED_FINAL);
        admin.expect("set $$secure 1", "ok \n"); // secure keys are the admin's
    }

    /** Our fix: a token login forgets the user of an earlier user login on the same session. */
    @Test
    void aTokenLoginAfterAUserLoginIsATokenLogin() {
        Client admin = engine.adminOn("db", "none");
        admin.expect("create-user u pwd", "ok \n");
        Client c = engine.client();
        c.expect("use-db db u pwd", "ok \n");
        c.expect("set a 1", DENIED, DENIED_FINAL);
        c.expect("use-db db db-pwd", "ok \n");
        c.expect("set a 1", "ok \n");
    }

    @Test
    void usersAndPermissionsNeedTheAdminThenADb() {
        String secure = "error To read security keys you must auth as an admin! \n";
        Client token = engine.adminOn("db", "none");
        Client c = engine.tokenClient("db");
        c.expect("create-user u pwd", secure);
        c.expect("set-permissions u r *", secure);
        Client admin = engine.admin();
        admin.expect("create-user u pwd", "error no-db-selected\n", "error error no-db-selected\n \n");
        admin.expect("set-permissions u r *", "error no-db-selected\n", "error error no-db-selected\n \n");
        token.expect("keys $$", "keys ,$$token\n", "ok \n");
    }

    @Test
    void setPermissionsParseErrors() {
        engine.client().expect("set-permissions", "error user is mandatory \n");
        engine.client().expect("set-permissions u", "error permission list is mandatory \n");
    }

    @Test
    void userNamesAreValidatedLikeKeys() {
        Client admin = engine.adminOn("db", "none");
        admin.expect("create-user a\u0001b pwd", "error Key must not contain control characters \n");
        admin.expect("set-permissions " + "u".repeat(1024) + " r *", "error Key is longer than 1024 characters \n");
    }

    @Test
    void createUserOverwritesTheToken() {
        Client admin = engine.adminOn("db", "none");
        admin.expect("create-user u one", "ok \n");
        admin.expect("create-user u two", "ok \n");
        admin.expect("set-permissions u r *", "ok \n");
        engine.client().expect("use-db db u one", "error Invalid token \n");
        engine.client().expect("use-db db u two", "ok \n");
    }
}
