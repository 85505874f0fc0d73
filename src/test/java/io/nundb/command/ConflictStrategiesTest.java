package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The newer and arbiter strategies, arbiter requests and resolve (reference 4.3, 4.4). */
class ConflictStrategiesTest {

    private static final Pattern UNRESOLVED =
            Pattern.compile("error \\$\\$conflitct unresolved (\\$conflicts_name_(\\d+)) \n");

    private final TestEngine engine = new TestEngine();

    @Test
    void newerAcceptsAStaleWriteWithTheNextVersion() {
        Client c = engine.adminOn("test", "newer");
        c.expect("set-safe name 1 mateus", "ok \n");
        c.expect("set-safe name 0 late", "ok \n");
        c.expect("get-safe name", "value-version 3 late\n", "ok \n");
        c.expect("set-safe name 7 ahead", "ok \n");
        c.expect("get-safe name", "value-version 8 ahead\n", "ok \n");
    }

    @Test
    void arbiterWithoutAnArbiterConnectedIsAnError() {
        Client c = engine.adminOn("test", "arbiter");
        c.expect("set-safe name 1 mateus", "ok \n");
        c.expect(
                "set-safe name 0 change-1",
                "error An conflitct happend and there is no arbiter client not connected \n");
        c.expect("get-safe name", "value-version 2 mateus\n", "ok \n");
    }

    @Test
    void anArbiterThatLeftIsNoLongerAnArbiter() {
        Client c = engine.adminOn("test", "arbiter");
        Client arbiter = engine.tokenClient("test");
        arbiter.expect("arbiter", "ok \n");
        arbiter.close();
        c.expect("set-safe name 1 mateus", "ok \n");
        c.expect(
                "set-safe name 0 change-1",
                "error An conflitct happend and there is no arbiter client not connected \n");
    }

    @Test
    void aConflictIsParkedSentToTheArbiterAndResolved() {
        Client c = engine.adminOn("test", "arbiter");
        Client arbiter = engine.tokenClient("test");
        Client watcher = engine.tokenClient("test");
        arbiter.expect("arbiter", "ok \n");
        c.expect("set-safe name 1 mateus", "ok \n");
        watcher.expect("watch name", "ok \n");

        String reply = c.send("set-safe name 0 change-1");
        Matcher m = UNRESOLVED.matcher(reply);
        assertThat(m.matches()).as(reply).isTrue();
        String record = m.group(1);
        String id = m.group(2);
        String request = "resolve " + id + " test 2 name mateus change-1";

        assertThat(arbiter.pushed()).containsExactly(request + "\n"); // B.11: ends with LF
        c.expect("get-safe name", "value-version -2 mateus\n", "ok \n");
        c.expect("get " + record, "value " + request + "\n", "ok \n");
        assertThat(watcher.pushed()).containsExactly("changed name mateus\n", "changed-version name -2 mateus\n");
        // every plain write is a conflict while the key is parked
        assertThat(c.send("set name other")).startsWith("error $$conflitct unresolved $conflicts_name_");
        arbiter.pushed();

        Client recordWatcher = engine.tokenClient("test");
        recordWatcher.expect("watch " + record, "ok \n");
        arbiter.expect("resolve " + id + " test name 2 change-1", "ok \n");
        assertThat(recordWatcher.pushed())
                .containsExactly(
                        "changed " + record + " resolved change-1\n",
                        "changed-version " + record + " 1 resolved change-1\n");
    }

    @Test
    void resolvingTheOnlyConflictStoresTheValueAtTheNextVersion() {
        Client c = engine.adminOn("test", "arbiter");
        Client arbiter = engine.tokenClient("test");
        arbiter.expect("arbiter", "ok \n");
        c.expect("set-safe name 1 mateus", "ok \n");
        String id = conflictId(c.send("set-safe name 0 change-1"));
        arbiter.expect("resolve " + id + " test name 2 change-1", "ok \n");
        c.expect("get-safe name", "value-version 3 change-1\n", "ok \n");
        c.expect("get $conflicts_name_" + id, "value resolved change-1\n", "ok \n");
        c.expect("set-safe name 3 after", "ok \n");
        c.expect("get-safe name", "value-version 4 after\n", "ok \n");
    }

    @Test
    void chainedConflictsResolveInTurn() {
        Client c = engine.adminOn("test", "arbiter");
        Client arbiter = engine.tokenClient("test");
        arbiter.expect("arbiter", "ok \n");
        c.expect("set-safe name 1 mateus", "ok \n");
        String first = conflictId(c.send("set-safe name 0 change-1"));
        String second = conflictId(c.send("set-safe name 0 change-2"));
        assertThat(Long.parseLong(second)).isGreaterThan(Long.parseLong(first));
        assertThat(arbiter.pushed())
                .containsExactly(
                        "resolve " + first + " test 2 name mateus change-1\n",
                        "resolve " + second + " test 1 name $conflicts_name_" + first + " change-2\n");

        arbiter.expect("resolve " + first + " test name 2 change-1", "ok \n");
        c.expect("get-safe name", "value-version -2 change-1\n", "ok \n");
        arbiter.expect("resolve " + second + " test name 2 change-2", "ok \n");
        c.expect("get-safe name", "value-version 3 change-2\n", "ok \n");
        c.expect("debug pending-conflicts", "conflitcts-list \n", "ok \n");
    }

    @Test
    void conflictRecordsOfAnotherKeyWithTheSamePrefixDoNotChain() {
        Client c = engine.adminOn("test", "arbiter");
        Client arbiter = engine.tokenClient("test");
        arbiter.expect("arbiter", "ok \n");
        c.expect("set-safe name 1 a", "ok \n");
        c.expect("set-safe names 1 b", "ok \n");
        String other = c.send("set-safe names 0 x");
        assertThat(other).startsWith("error $$conflitct unresolved $conflicts_names_");
        String id = conflictId(c.send("set-safe name 0 y"));
        arbiter.expect("resolve " + id + " test name 2 y", "ok \n");
        c.expect("get-safe name", "value-version 3 y\n", "ok \n");
    }

    @Test
    void aNewArbiterGetsThePendingRequestsAndResolvedRecordsAreDropped() {
        Client c = engine.adminOn("test", "arbiter");
        Client first = engine.tokenClient("test");
        first.expect("arbiter", "ok \n");
        c.expect("set-safe name 1 mateus", "ok \n");
        c.expect("set-safe other 1 x", "ok \n");
        String a = conflictId(c.send("set-safe name 0 change-1"));
        String b = c.send("set-safe other 0 y").replaceAll("\\D", "");
        first.expect("resolve " + a + " test name 2 change-1", "ok \n");
        c.expect("debug pendding-conflitcts", "conflitcts-list ,$conflicts_other_" + b + "\n", "ok \n");
        first.close();

        Client second = engine.tokenClient("test");
        second.expect("arbiter", "resolve " + b + " test 2 other x y\n", "ok \n");
        c.expect("keys $conflicts", "keys ,$conflicts_other_" + b + "\n", "ok \n");
    }

    @Test
    void resolveParseErrors() {
        Client c = engine.client();
        c.expect("resolve", "error opp id mandatory \n");
        c.expect("resolve abc", "error Invalid opp_id \n");
        c.expect("resolve 12", "error resoved must be followed by db_name, key version and value \n");
        c.expect("resolve 12 test", "error key must be provided \n");
        c.expect("resolve 12 test name 2", "error set-safe must be followed by a key \n");
    }

    @Test
    void resolveNeedsADb() {
        engine.client().expect("resolve 12 test name 2 v", "error no-db-selected\n", "error error no-db-selected\n \n");
        engine.admin().expect("resolve 12 nope name 2 v", "error no-db-selected\n", "error error no-db-selected\n \n");
    }

    @Test
    void anAdminResolvesInTheNamedDbOthersInTheSelectedOne() {
        Client admin = engine.adminOn("test", "arbiter");
        admin.expect("create-db other other-pwd arbiter", "create-db success\n", "ok \n");
        admin.expect("resolve 12 other name 2 v", "ok \n");
        Client user = engine.tokenClient("test");
        user.expect("resolve 13 other name 2 w", "ok \n");
        user.expect("get name", "value w\n", "ok \n");
        engine.tokenClient("other").expect("get name", "value v\n", "ok \n");
    }

    /** Our fix: resolve is a write, so it obeys the secure-key rule and the user's permissions. */
    @Test
    void resolveCannotWriteKeysTheSessionCouldNotWrite() {
        Client admin = engine.adminOn("test", "arbiter");
        admin.expect("create-user bob pwd", "ok \n");
        admin.expect("set-permissions bob rw public*", "ok \n");
        Client token = engine.tokenClient("test");
        token.expect("resolve 12 test $$token 2 stolen", "error To read security keys you must auth as an admin! \n");
        Client bob = engine.client();
        bob.expect("use-db test bob pwd", "ok \n");
        bob.expect("resolve 12 test private 2 v", "permission denied\n", "error permission denied\n \n");
        bob.expect("resolve 12 test public-x 2 v", "ok \n");
        // the token is unchanged: it still logs in, and "stolen" does not
        engine.tokenClient("test");
        engine.client().expect("use-db test stolen", "error Invalid token \n");
    }

    /** A version at the top of the int range cannot grow: every strategy refuses, none overflows. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"none", "newer", "arbiter"})
    void versionsNeverOverflow(String strategy) {
        Client c = engine.adminOn("test", strategy);
        engine.tokenClient("test").expect("arbiter", "ok \n");
        c.expect("set-safe fresh 2147483647 x", "error Invalid version! \n");
        c.expect("set-safe top 2147483646 7", "ok \n");
        c.expect("set top y", "error Invalid version! \n");
        c.expect("increment top", "error Invalid version! \n");
        c.expect("resolve 1 test fresh 2147483647 x", "error Invalid version! \n");
        c.expect("get-safe top", "value-version 2147483647 7\n", "ok \n");
    }

    /** Issue 9: a refused resolution writes nothing, and no resolution rewinds a version. */
    @Test
    void aRefusedResolveChangesNothingAndNeverRewindsAVersion() {
        Client c = engine.adminOn("test", "arbiter");
        Client arbiter = engine.tokenClient("test");
        arbiter.expect("arbiter", "ok \n");
        c.expect("set-safe name 1 mateus", "ok \n");
        String id = conflictId(c.send("set-safe name 0 change-1"));
        String request = "resolve " + id + " test 2 name mateus change-1";
        arbiter.expect("resolve " + id + " test name -5 bad", "error Invalid version! \n");
        c.expect("get $conflicts_name_" + id, "value " + request + "\n", "ok \n");
        c.expect("get-safe name", "value-version -2 mateus\n", "ok \n");

        c.expect("set-safe other 5 x", "ok \n");
        c.expect("get-safe other", "value-version 6 x\n", "ok \n");
        // an older version given to resolve still moves the key forward, never back (NunDB's rule),
        // and a resolution of an unknown conflict writes no record
        arbiter.expect("resolve 999 test other 1 old", "ok \n");
        c.expect("get-safe other", "value-version 7 old\n", "ok \n");
        c.expect("get $conflicts_other_999", "value <Empty>\n", "ok \n");
        // and conflict records are not a key a user can resolve into
        arbiter.expect(
                "resolve 1 test $conflicts_name_" + id + " 9 forged",
                "permission denied\n",
                "error permission denied\n \n");
        c.expect("get $conflicts_name_" + id, "value " + request + "\n", "ok \n");
    }

    /** Issue 9: a conflict carries the key and both values; only arbiters who may read it get it. */
    @Test
    void arbitersOnlyReceiveAndReplayConflictsOfKeysTheyMayRead() {
        Client c = engine.adminOn("test", "arbiter");
        c.expect("create-user bob pwd", "ok \n");
        c.expect("set-permissions bob rw public*", "ok \n");
        Client bob = engine.client();
        bob.expect("use-db test bob pwd", "ok \n");
        bob.expect("arbiter", "ok \n");
        c.expect("set-safe secret 1 s", "ok \n");
        assertThat(c.send("set-safe secret 0 s2")).startsWith("error $$conflitct unresolved");
        c.expect("set-safe public-a 1 p", "ok \n");
        assertThat(c.send("set-safe public-a 0 p2")).startsWith("error $$conflitct unresolved");
        assertThat(bob.pushed())
                .singleElement()
                .asString()
                .contains(" public-a ")
                .doesNotContain("secret");

        Client bob2 = engine.client();
        bob2.expect("use-db test bob pwd", "ok \n");
        assertThat(bob2.send("arbiter")).contains(" public-a ").doesNotContain("secret");
        Client admin = engine.tokenClient("test");
        assertThat(admin.send("arbiter")).contains(" public-a ").contains("secret");
    }

    private static String conflictId(String reply) {
        Matcher m = UNRESOLVED.matcher(reply);
        assertThat(m.matches()).as(reply).isTrue();
        return m.group(2);
    }
}
