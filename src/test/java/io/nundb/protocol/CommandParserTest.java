package io.nundb.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parsing rules of reference 2.1 and every command's parse errors. */
class CommandParserTest {

    private final CommandParser parser = new CommandParser();

    private Command parse(String text) {
        return parser.parse(text);
    }

    @Test
    void splitsIntoAtMostThreePartsTheLastKeepingItsSpaces() {
        assertThat(parse("set name jose da silva")).isEqualTo(new Command.Set("name", "jose da silva"));
        assertThat(parse("set k  v")).isEqualTo(new Command.Set("k", " v"));
        assertThat(parse("set k")).isEqualTo(new Command.Set("k", ""));
        assertThat(parse("set")).isEqualTo(new Command.Set("", ""));
    }

    @Test
    void stripsLineFeedsACarriageReturnAndTrailingSemicolons() {
        assertThat(parse("\n\nget a\n")).isEqualTo(new Command.Get("a"));
        assertThat(parse("get a\r\n")).isEqualTo(new Command.Get("a")); // compatibility B.3
        assertThat(parse("get a;;")).isEqualTo(new Command.Get("a"));
        assertThat(parse("set a x\ny\n")).isEqualTo(new Command.Set("a", "xy"));
        assertThat(parse("set a x;y")).isEqualTo(new Command.Set("a", "x;y"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''                     | empty command",
                "' get a'               | empty command",
                "';'                    | empty command",
                "Get a                  | unknown command: Get",
                "oplog-state            | unknown command: oplog-state",
                "rp 1 x                 | unknown command: rp",
                "ack 1 x                | unknown command: ack",
                "election win           | unknown command: election",
                "set-primary x          | unknown command: set-primary",
                "set-secoundary x       | unknown command: set-secoundary",
                "replicate-since a 0    | unknown command: replicate-since",
                "replicate-join a       | unknown command: replicate-join",
                "replicate-leave a      | unknown command: replicate-leave",
                "use-db                 | set-safe must be followed by a version and key",
                "use-db db              | set-safe must be followed by a version and key",
                "create-db x            | create-db must be followed by a token",
                "set-permissions        | user is mandatory",
                "set-permissions u      | permission list is mandatory",
                "get                    | get must contain a key",
                "get-safe               | get-safe must contain a key",
                "set-safe k             | set-safe must be followed by a version and key",
                "set-safe k 1           | set-safe must be followed by a key",
                "watch                  | watch must contain a key",
                "unwatch                | unwatch must contain a key",
                "resolve                | opp id mandatory",
                "resolve x              | Invalid opp_id",
                "resolve -1             | Invalid opp_id",
                "resolve 1              | resoved must be followed by db_name, key version and value",
                "resolve 1 db           | key must be provided",
                "resolve 1 db k 2       | set-safe must be followed by a key",
                "debug                  | command is mandatory",
                "join                   | join must contain a name",
                "leave                  | leave must contain a name",
                "replicate              | no command sent",
                "replicate db           | no command sent",
                "replicate-remove       | replicate-remove must contain a db name",
                "replicate-remove db    | replicate-remove must be followed by a key",
                "replicate-increment    | replicate-snapshot must contain a db name",
                "replicate-increment db | replicate-increment must be followed by a key",
                "replicate-snapshot     | replicate-snapshot must contain a db name",
            })
    void parseErrors(String text, String error) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ProtocolException.class)
                .hasMessage(error);
    }

    @Test
    void authAndUseDb() {
        assertThat(parse("auth")).isEqualTo(new Command.Auth("", ""));
        assertThat(parse("auth nun my secret")).isEqualTo(new Command.Auth("nun", "my secret"));
        assertThat(parse("use-db db tok")).isEqualTo(new Command.UseDb("db", null, "tok"));
        assertThat(parse("use db user tok en")).isEqualTo(new Command.UseDb("db", "user", "tok en"));
        assertThat(parse("auth u p").toString()).doesNotContain("p]").contains("****");
    }

    @Test
    void createDbStrategies() {
        assertThat(parse("create-db a t")).isEqualTo(new Command.CreateDb("a", "t", "none"));
        assertThat(parse("create-db a t arbiter")).isEqualTo(new Command.CreateDb("a", "t", "arbiter"));
        assertThat(parse("create-db a t newer")).isEqualTo(new Command.CreateDb("a", "t", "newer"));
    }

    @Test
    void setSafeVersions() {
        assertThat(parse("set-safe k 3 v w")).isEqualTo(new Command.SetSafe("k", 3, "v w"));
        assertThat(parse("set-safe k -2 v")).isEqualTo(new Command.SetSafe("k", -2, "v"));
        assertThat(parse("set-safe k x v")).isEqualTo(new Command.SetSafe("k", -1, "v"));
        assertThat(parse("set-safe k 2147483648 v")).isEqualTo(new Command.SetSafe("k", -1, "v"));
        assertThat(parse("set-safe k 1 ")).isEqualTo(new Command.SetSafe("k", 1, ""));
    }

    @Test
    void incrementAndKeysAcceptAnEmptyLastArgument() {
        assertThat(parse("increment k")).isEqualTo(new Command.Increment("k", 1));
        assertThat(parse("increment k ")).isEqualTo(new Command.Increment("k", 1));
        assertThat(parse("increment k -5")).isEqualTo(new Command.Increment("k", -5));
        assertThat(parse("increment k five")).isEqualTo(new Command.Increment("k", 1));
        assertThat(parse("increment")).isEqualTo(new Command.Increment("", 1));
        assertThat(parse("keys ")).isEqualTo(new Command.Keys(""));
        assertThat(parse("keys")).isEqualTo(new Command.Keys(""));
        assertThat(parse("ls a*")).isEqualTo(new Command.Keys("a*"));
        assertThat(parse("remove")).isEqualTo(new Command.Remove(""));
    }

    @Test
    void snapshotArguments() {
        assertThat(parse("snapshot")).isEqualTo(new Command.Snapshot(false, List.of()));
        assertThat(parse("snapshot true")).isEqualTo(new Command.Snapshot(true, List.of()));
        assertThat(parse("snapshot a|b")).isEqualTo(new Command.Snapshot(false, List.of()));
        assertThat(parse("snapshot false a||b|")).isEqualTo(new Command.Snapshot(false, List.of("a", "b")));
        assertThat(parse("replicate-snapshot a|b true"))
                .isEqualTo(new Command.ReplicateSnapshot(List.of("a", "b"), true));
    }

    @Test
    void resolveAndReplicate() {
        assertThat(parse("resolve 1700000000000000000 db key 3 a b"))
                .isEqualTo(new Command.Resolve(1700000000000000000L, "db", "key", 3, "a b"));
        assertThat(parse("resolve 1 db key x v")).isEqualTo(new Command.Resolve(1, "db", "key", -1, "v"));
        assertThat(parse("replicate db k 3 a b")).isEqualTo(new Command.Replicate("db", "k", 3, "a b"));
        assertThat(parse("replicate db k")).isEqualTo(new Command.Replicate("db", "k", -1, ""));
        assertThat(parse("replicate-remove db k extra")).isEqualTo(new Command.ReplicateRemove("db", "k"));
        assertThat(parse("replicate-increment db k 4")).isEqualTo(new Command.ReplicateIncrement("db", "k", 4));
        assertThat(parse("replicate-increment db k")).isEqualTo(new Command.ReplicateIncrement("db", "k", 1));
    }

    @Test
    void argumentFreeCommandsIgnoreArguments() {
        assertThat(parse("unwatch-all x")).isEqualTo(new Command.UnwatchAll());
        assertThat(parse("arbiter x")).isEqualTo(new Command.Arbiter());
        assertThat(parse("cluster-state x")).isEqualTo(new Command.ClusterState());
        assertThat(parse("metrics-state")).isEqualTo(new Command.MetricsState());
        assertThat(parse("list-commands")).isEqualTo(new Command.ListCommands());
        assertThat(parse("debug list-dbs extra")).isEqualTo(new Command.Debug("list-dbs"));
    }

    @Test
    void everyClientNameParsesToACommandOfThatName() {
        for (String name : CommandParser.CLIENT_NAMES) {
            String expected = name.equals("use") ? "use-db" : name.equals("ls") ? "keys" : name;
            Command c;
            try {
                c = parse(name + " 1 b 2 d e");
            } catch (ProtocolException e) {
                throw new AssertionError(name + ": " + e.getMessage());
            }
            assertThat(c.name()).as(name).isEqualTo(expected);
        }
    }
}
