package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** get, get-safe, set, set-safe, remove, increment and keys (reference 2.3.6-2.3.12, 4.2). */
class DataCommandsTest {

    private final TestEngine engine = new TestEngine();
    private final Client admin = engine.adminOn("test", "none");
    private final Client c = engine.tokenClient("test");

    @Test
    void getAndGetSafeOfAMissingKey() {
        c.expect("get missing", "value <Empty>\n", "ok \n");
        c.expect("get-safe missing", "value-version 1 <Empty>\n", "ok \n");
    }

    @Test
    void getIgnoresWhatFollowsTheKey() {
        c.expect("set name mateus", "ok \n");
        c.expect("get name and more", "value mateus\n", "ok \n");
    }

    @Test
    void getWithoutKeyIsAParseError() {
        c.expect("get", "error get must contain a key \n");
        c.expect("get-safe", "error get-safe must contain a key \n");
        engine.client().expect("get", "error get must contain a key \n");
    }

    @Test
    void readsAndWritesNeedASelectedDb() {
        Client none = engine.client();
        String noDb = "error no-db-selected\nerror error no-db-selected\n \n";
        for (String cmd : new String[] {
            "get a",
            "get-safe a",
            "set a 1",
            "set-safe a 0 1",
            "remove a",
            "increment a",
            "keys",
            "ls",
            "watch a",
            "unwatch a",
            "unwatch-all",
            "arbiter"
        }) {
            assertThat(none.send(cmd)).as(cmd).isEqualTo(noDb);
        }
    }

    @Test
    void setKeepsSpacesAndDropsLineFeedsInTheValue() {
        c.expect("set name jose da silva", "ok \n");
        c.expect("get name", "value jose da silva\n", "ok \n");
        c.expect("set k  v", "ok \n");
        c.expect("get k", "value  v\n", "ok \n");
        c.expect("set multi a\nb\n", "ok \n");
        c.expect("get multi", "value ab\n", "ok \n");
        c.expect("set empty", "ok \n");
        c.expect("get-safe empty", "value-version 0 \n", "ok \n");
    }

    @Test
    void setSafeParseErrors() {
        c.expect("set-safe name", "error set-safe must be followed by a version and key \n");
        c.expect("set-safe name 1", "error set-safe must be followed by a key \n");
    }

    @Test
    void getSafeShowsTheVersion() {
        c.expect("set-safe name 0 mateus", "ok \n");
        c.expect("get-safe name", "value-version 1 mateus\n", "ok \n");
        c.expect("set name maria", "ok \n");
        c.expect("get-safe name", "value-version 2 maria\n", "ok \n");
    }

    /**
     * Reference 4.2, on a db with strategy none: {@code given} runs first (set-safe steps separated
     * by {@code ;}), then {@code command}; the reply and the key's resulting get-safe are checked.
     */
    @ParameterizedTest(name = "{0} | {1} -> {2}, {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "                         | set k x          | ok | value-version 0 x",
                "                         | set-safe k -1 x  | ok | value-version 0 x",
                "                         | set-safe k 0 x   | ok | value-version 1 x",
                "                         | set-safe k 23 x  | ok | value-version 24 x",
                "                         | set-safe k abc x | ok | value-version 0 x",
                "                         | set-safe k 99999999999 x | ok | value-version 0 x",
                "set k a                  | set k x          | ok | value-version 1 x",
                "set k a                  | set-safe k -1 x  | ok | value-version 1 x",
                "set k a                  | set-safe k 0 x   | ok | value-version 1 x",
                "set-safe k 0 a           | set-safe k 0 x   | error Invalid version! | value-version 1 a",
                "set-safe k 0 a           | set-safe k 1 x   | ok | value-version 2 x",
                "set-safe k 0 a           | set-safe k 5 x   | ok | value-version 6 x",
                "set-safe k 5 a           | set-safe k 4 x   | error Invalid version! | value-version 6 a",
                "set-safe k 5 a           | set-safe k 6 x   | ok | value-version 7 x",
                "set-safe k 5 a           | set k x          | ok | value-version 7 x",
                "set-safe k 5 a           | set-safe k -2 x  | ok | value-version -2 x",
                "set-safe k 5 a;set-safe k -2 b | set k x    | error Invalid version! | value-version -2 b",
                "set-safe k 5 a;set-safe k -2 b | set-safe k 9 x | error Invalid version! | value-version -2 b",
                "set-safe k 5 a;remove k  | get-safe k       | ok | value-version 7 <Empty>",
                "set-safe k 5 a;remove k  | set-safe k 6 x   | error Invalid version! | value-version 7 <Empty>",
                "set-safe k 5 a;remove k  | set-safe k 7 x   | ok | value-version 8 x",
                "set-safe k 5 a;remove k  | set k x          | ok | value-version 8 x",
                "set-safe k 2147483646 a  | set k x          | error Invalid version! | value-version 2147483647 a",
                "                         | set-safe k 2147483647 x | error Invalid version! | value-version 1 <Empty>",
            })
    void versionRules(String given, String command, String reply, String getSafe) {
        if (given != null) {
            for (String step : given.split(";")) {
                c.expect(step.trim(), "ok \n");
            }
        }
        String sent = c.send(command.trim());
        if (command.startsWith("get-safe")) {
            assertThat(sent).isEqualTo(getSafe + "\nok \n");
        } else {
            assertThat(sent).isEqualTo(reply.equals("ok") ? "ok \n" : reply + " \n");
        }
        c.expect("get-safe k", getSafe + "\n", "ok \n");
    }

    @Test
    void removeLeavesATombstone() {
        c.expect("set name mateus", "ok \n");
        c.expect("remove name", "ok \n");
        c.expect("get name", "value <Empty>\n", "ok \n");
        c.expect("get-safe name", "value-version 1 <Empty>\n", "ok \n");
        c.expect("keys", "keys ,$connections\n", "ok \n");
        c.expect("remove name", "ok \n");
        c.expect("remove never-there", "ok \n");
        c.expect("set name back", "ok \n");
        c.expect("get-safe name", "value-version 2 back\n", "ok \n");
    }

    @Test
    void theTokenKeyCannotBeRemoved() {
        c.expect("remove $$token", "error To read security keys you must auth as an admin! \n");
        admin.expect("remove $$token", "error $$token key cannot be removed \n");
        // the token is stored as its salted hash; an admin reading the key sees the hash
        assertThat(admin.send("get $$token"))
                .startsWith("value $pbkdf2-sha256$")
                .doesNotContain("test-pwd");
    }

    @Test
    void watchersOfARemovedKeyGetRemoved() {
        Client w = engine.tokenClient("test");
        w.expect("watch name", "ok \n");
        w.expect("watch never", "ok \n");
        c.expect("set name x", "ok \n");
        c.expect("remove name", "ok \n");
        c.expect("remove never", "ok \n");
        assertThat(w.pushed())
                .containsExactly("changed name x\n", "changed-version name 0 x\n", "removed name\n", "removed never\n");
    }

    @Test
    void incrementCountsFromZeroByOne() {
        c.expect("increment visits", "ok \n");
        c.expect("get visits", "value 1\n", "ok \n");
        c.expect("increment visits 10", "ok \n");
        c.expect("get visits", "value 11\n", "ok \n");
        c.expect("increment visits -20", "ok \n");
        c.expect("get visits", "value -9\n", "ok \n");
        c.expect("increment visits ", "ok \n");
        c.expect("increment visits abc", "ok \n");
        c.expect("get visits", "value -7\n", "ok \n");
    }

    /** Compatibility B.10: the version keeps counting up and watchers see the real one. */
    @Test
    void incrementKeepsTheVersionCountingAndNotifiesIt() {
        Client w = engine.tokenClient("test");
        w.expect("watch n", "ok \n");
        c.expect("set-safe n 4 10", "ok \n");
        c.expect("increment n 5", "ok \n");
        c.expect("get-safe n", "value-version 6 15\n", "ok \n");
        assertThat(w.pushed())
                .containsExactly(
                        "changed n 10\n", "changed-version n 5 10\n", "changed n 15\n", "changed-version n 6 15\n");
    }

    @Test
    void incrementOfANonNumericValueFails() {
        c.expect("set s abc", "ok \n");
        c.expect("increment s", "error Key is not numeric \n");
        c.expect("get s", "value abc\n", "ok \n");
    }

    @Test
    void incrementAfterRemoveStartsAtZero() {
        c.expect("set n 5", "ok \n");
        c.expect("remove n", "ok \n");
        c.expect("increment n 2", "ok \n");
        c.expect("get-safe n", "value-version 2 2\n", "ok \n");
    }

    @Test
    void incrementThatWouldOverflowFails() {
        c.expect("set n " + Long.MAX_VALUE, "ok \n");
        c.expect("increment n", "error Increment would overflow \n");
    }

    @Test
    void keysShapes() {
        c.expect("keys", "keys ,$connections\n", "ok \n");
        c.expect("keys nothing-matches", "keys \n", "ok \n");
        c.expect("keys ", "keys ,$connections\n", "ok \n");
        c.expect("set b 1", "ok \n");
        c.expect("set a 1", "ok \n");
        c.expect("set name 1", "ok \n");
        c.expect("set name1 1", "ok \n");
        c.expect("set myname 1", "ok \n");
        c.expect("keys", "keys ,$connections,a,b,myname,name,name1\n", "ok \n");
        c.expect("ls", "keys ,$connections,a,b,myname,name,name1\n", "ok \n");
        c.expect("keys name*", "keys ,name,name1\n", "ok \n");
        c.expect("keys *name", "keys ,myname,name\n", "ok \n");
        c.expect("keys name", "keys ,myname,name,name1\n", "ok \n");
        c.expect("keys *", "keys ,$connections,a,b,myname,name,name1\n", "ok \n");
        c.expect("ls *1", "keys ,name1\n", "ok \n");
    }

    @Test
    void keysSortByUtf8Bytes() {
        c.expect("set \uffee 1", "ok \n"); // 3 UTF-8 bytes, EF BF AE
        c.expect("set \ud83d\ude00 1", "ok \n"); // U+1F600, 4 bytes F0 ...: sorts after
        c.expect("set Z 1", "ok \n");
        c.expect("keys", "keys ,$connections,Z,\uffee,\ud83d\ude00\n", "ok \n");
    }

    @Test
    void secureKeysAreListedOnlyForTheAdmin() {
        admin.expect("create-user foo bar", "ok \n");
        admin.expect("keys", "keys ,$$token,$$user_foo,$connections\n", "ok \n");
        c.expect("keys", "keys ,$connections\n", "ok \n");
        c.expect("keys $$", "keys \n", "ok \n");
    }

    @Test
    void secureKeysNeedTheAdminForEveryAccess() {
        String denied = "error To read security keys you must auth as an admin! \n";
        for (String cmd : new String[] {
            "get $$token",
            "get-safe $$token",
            "set $$x 1",
            "set-safe $$x 1 1",
            "remove $$x",
            "increment $$x",
            "watch $$x"
        }) {
            assertThat(c.send(cmd)).as(cmd).isEqualTo(denied);
        }
        // the secure-key check comes before the db check
        assertThat(engine.client().send("get $$token")).isEqualTo(denied);
        admin.expect("set $$x 1", "ok \n");
        admin.expect("increment $$x", "ok \n");
        admin.expect("get $$x", "value 2\n", "ok \n");
    }

    /** Compatibility B.13: keys are validated on writes. */
    @ParameterizedTest
    @ValueSource(strings = {"set %s v", "set-safe %s 0 v", "increment %s", "remove %s"})
    void badKeysAreRefused(String command) {
        assertThat(c.send(command.formatted("k".repeat(1025))))
                .isEqualTo("error Key is longer than 1024 characters \n");
        assertThat(c.send(command.formatted("k".repeat(1024)))).isEqualTo("ok \n");
        assertThat(c.send(command.formatted("a\u0001b"))).isEqualTo("error Key must not contain control characters \n");
        assertThat(c.send(command.formatted(""))).isEqualTo("error Key must not be empty \n");
    }

    @Test
    void commandsWithoutKeyUseTheEmptyKeyWhichIsRefused() {
        for (String cmd : new String[] {"set", "increment", "increment ", "remove"}) {
            assertThat(c.send(cmd)).as(cmd).isEqualTo("error Key must not be empty \n");
        }
    }
}
