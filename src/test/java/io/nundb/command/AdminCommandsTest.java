package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import io.nundb.protocol.CommandParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** snapshot, cluster-state, metrics-state, list-commands, debug, internal and replicate commands. */
class AdminCommandsTest {

    private final List<String> snapshots = new ArrayList<>();
    private final TestEngine engine =
            new TestEngine(EnginePorts.standalone("127.0.0.1:3014").withSnapshots((dbs, reclaim) -> {
                snapshots.add(dbs + " " + reclaim);
                return CompletableFuture.completedFuture(null);
            }));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "snapshot",
                "cluster-state",
                "metrics-state",
                "list-commands",
                "debug list-dbs",
                "replicate db k 1 v",
                "replicate-remove db k",
                "replicate-increment db k",
                "replicate-snapshot db",
                "join 127.0.0.1:3016",
                "leave 127.0.0.1:3016"
            })
    void adminCommandsNeedTheAdmin(String command) {
        engine.client().expect(command, "error Not auth \n");
        engine.adminOn("db", "none");
        engine.tokenClient("db").expect(command, "error Not auth \n");
    }

    @Test
    void snapshotOfTheSelectedDb() {
        Client admin = engine.admin();
        admin.expect("snapshot", "error No database selected \n");
        admin.expect("create-db one one-pwd", "create-db success\n", "ok \n");
        admin.expect("use-db one one-pwd", "ok \n");
        admin.expect("snapshot", "ok \n");
        admin.expect("snapshot true", "ok \n");
        admin.expect("snapshot a|b", "ok \n"); // the first argument is always the flag
        assertThat(snapshots).containsExactly("[one] false", "[one] true", "[one] false");
    }

    @Test
    void snapshotOfAList() {
        Client admin = engine.admin();
        admin.expect("create-db one one-pwd", "create-db success\n", "ok \n");
        admin.expect("create-db two two-pwd", "create-db success\n", "ok \n");
        // no db selected: the list form works (NunDB crashed here)
        admin.expect("snapshot false one|two", "ok \n");
        admin.expect("snapshot true two||one|", "ok \n");
        admin.expect("snapshot false one|jose", "error jose is not a valid database name \n");
        admin.expect("snapshot false one|jose|maria", "error jose, maria, are not a valid database names \n");
        assertThat(snapshots).containsExactly("[one, two] false", "[two, one] true");
    }

    @Test
    void aFailedSnapshotIsAnError() {
        TestEngine failing = new TestEngine(EnginePorts.standalone("n")
                .withSnapshots((dbs, reclaim) -> CompletableFuture.failedFuture(new java.io.IOException("disk full"))));
        Client admin = failing.adminOn("one", "none");
        admin.expect("snapshot", "error snapshot failed: disk full \n");
    }

    @Test
    void replicateSnapshot() {
        Client admin = engine.admin();
        admin.expect("create-db one one-pwd", "create-db success\n", "ok \n");
        admin.expect("replicate-snapshot", "error replicate-snapshot must contain a db name \n");
        admin.expect("replicate-snapshot one true", "ok \n");
        admin.expect(
                "replicate-snapshot nope|one", "error Error trying to snapshot database: Database nope not found \n");
        assertThat(snapshots).containsExactly("[one] true", "[one] false");
    }

    @Test
    void clusterStateOfASingleNode() {
        engine.admin().expect("cluster-state", "cluster-state  127.0.0.1:3014(self):Primary ,\n", "ok \n");
    }

    @Test
    void joinAndLeaveOnAStandaloneNode() {
        engine.admin().expect("join 127.0.0.1:3016", "error clustering is not enabled on this node \n");
        engine.admin().expect("leave 127.0.0.1:3016", "error clustering is not enabled on this node \n");
        engine.admin().expect("join", "error join must contain a name \n");
        engine.admin().expect("leave", "error leave must contain a name \n");
    }

    @Test
    void metricsStateFormat() {
        TestEngine withStats = new TestEngine(EnginePorts.standalone("n").withStats(new NodeStats() {
            public long pendingOps() {
                return 3;
            }

            public long opLogBytes() {
                return 4096;
            }

            public long opLogRecords() {
                return 12;
            }

            public double replicationTimeMovingAvgMs() {
                return 12.5;
            }
        }));
        String reply = withStats.admin().send("metrics-state");
        assertThat(reply)
                .matches("metrics-state pending_ops: 3, op_log_file_size: 4096, op_log_count: 12,"
                        + "replication_time_moving_avg: 12\\.5, get_query_time_moving_avg: \\d+\\.\\d+\n\nok \n");
    }

    @Test
    void movingAverageFormatsLikeRustDebug() {
        assertThat(MovingAverage.format(0)).isEqualTo("0.0");
        assertThat(MovingAverage.format(3)).isEqualTo("3.0");
        assertThat(MovingAverage.format(12.5)).isEqualTo("12.5");
        assertThat(MovingAverage.format(0.1)).isEqualTo("0.1");
        assertThat(MovingAverage.format(1e-7)).isEqualTo("0.0000001");
        assertThat(MovingAverage.format(Double.NaN)).isEqualTo("NaN");
        MovingAverage avg = new MovingAverage(100);
        assertThat(avg.value()).isZero();
        avg.add(10);
        assertThat(avg.value()).isEqualTo(10);
        avg.add(111);
        assertThat(avg.value()).isCloseTo(12, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void listCommandsNamesEveryClientCommand() {
        String reply = engine.admin().send("list-commands");
        assertThat(reply).startsWith("commands-list ,").endsWith("\nok \n");
        String list = reply.substring("commands-list ".length(), reply.indexOf('\n'));
        assertThat(list.substring(1).split(","))
                .containsExactlyElementsOf(CommandParser.CLIENT_NAMES)
                .contains("auth", "use-db", "use", "keys", "ls", "arbiter", "resolve", "debug")
                .doesNotContain("rp", "ack", "election", "set-primary");
    }

    @Test
    void debugSubcommands() {
        Client admin = engine.admin();
        admin.expect("debug", "error command is mandatory \n");
        admin.expect("debug pending-ops", "pending-ops \n", "ok \n");
        admin.expect("debug force-election", "ok \n");
        admin.expect("debug whatever", "ok \n");
        admin.expect("debug pending-conflicts", "error no-db-selected\n", "ok \n");
        admin.expect("debug list-dbs", "dbs-list \n$admin : newer\n", "ok \n");
        String info = admin.send("debug process-info");
        assertThat(info)
                .isEqualTo(
                        "process-info \nprocess_id: " + ProcessHandle.current().pid() + "\nok \n");
        admin.expect("create-db db db-pwd arbiter", "create-db success\n", "ok \n");
        admin.expect("use-db db db-pwd", "ok \n");
        admin.expect("debug pending-conflicts", "conflitcts-list \n", "ok \n");
        engine.client().expect("debug list-dbs", "error Not auth \n");
    }

    /** Compatibility B.7: NunDB's cluster-internal commands are not part of the client protocol. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "rp 1 replicate db k -1 v",
                "ack 1 127.0.0.1:3016",
                "replicate-since 127.0.0.1:3016 0",
                "replicate-join 127.0.0.1:3016",
                "replicate-leave 127.0.0.1:3016",
                "set-primary 127.0.0.1:3016",
                "set-secoundary 127.0.0.1:3016",
                "election candidate x 127.0.0.1:3016",
                "election active 127.0.0.1:3016",
                "election win",
                "oplog-state",
                "set-secondary x",
                "GET a"
            })
    void internalCommandsAreUnknown(String command) {
        String name = command.split(" ")[0];
        engine.client().expect(command, "error unknown command: " + name + " \n");
        engine.admin().expect(command, "error unknown command: " + name + " \n");
    }

    @Test
    void emptyCommands() {
        engine.client().expect("", "error empty command \n");
        engine.client().expect("\n", "error empty command \n");
        engine.client().expect(" get a", "error empty command \n");
    }

    @Test
    void replicateWritesTheNamedDb() {
        Client admin = engine.admin();
        admin.expect("create-db db db-pwd", "create-db success\n", "ok \n");
        Client watcher = engine.tokenClient("db");
        watcher.expect("watch k", "ok \n");
        admin.expect("replicate db k -1 hello world", "ok \n");
        admin.expect("replicate db k 0 second", "ok \n");
        admin.expect("replicate db k 0 stale", "error Invalid version! \n");
        admin.expect("replicate db n -1 5", "ok \n");
        admin.expect("replicate-increment db n 3", "ok \n");
        admin.expect("replicate-increment db n", "ok \n");
        admin.expect("replicate-remove db k", "ok \n");
        admin.expect("replicate db s -1 abc", "ok \n");
        admin.expect("replicate-increment db s", "error Key is not numeric \n");
        admin.expect("replicate nope k -1 v", "error Not a valid database name \n");
        admin.expect("replicate-remove nope k", "error Not a valid database name \n");
        admin.expect("replicate-increment nope k", "error Not a valid database name \n");
        admin.expect("replicate-remove db $$token", "error $$token key cannot be removed \n");
        admin.expect("replicate db", "error no command sent \n");
        admin.expect("replicate-increment", "error replicate-snapshot must contain a db name \n");
        admin.expect("replicate-increment db", "error replicate-increment must be followed by a key \n");
        watcher.expect("get n", "value 9\n", "ok \n");
        watcher.expect("get-safe k", "value-version 2 <Empty>\n", "ok \n");
        assertThat(watcher.pushed())
                .containsExactly(
                        "changed k hello world\n",
                        "changed-version k 0 hello world\n",
                        "changed k second\n",
                        "changed-version k 1 second\n",
                        "removed k\n");
    }

    @Test
    void aFailingPortStillGivesOneErrorReply() {
        TestEngine broken = new TestEngine(EnginePorts.standalone("n").withSnapshots((dbs, reclaim) -> {
            throw new IllegalStateException("boom");
        }));
        Client admin = broken.adminOn("one", "none");
        admin.expect("snapshot", "error internal error: IllegalStateException \n");
        admin.expect("get a", "value <Empty>\n", "ok \n");
    }

    @Test
    void aNullCommandTextIsAnEmptyCommand() throws Exception {
        Client c = engine.client();
        assertThat(engine.executor.execute(c.session, (String) null).get().error())
                .isEqualTo("empty command");
    }
}
