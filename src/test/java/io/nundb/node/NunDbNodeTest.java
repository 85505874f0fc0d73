package io.nundb.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.LogEntry;
import io.nundb.storage.oplog.FsyncPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Nodes built with plain Java, several in one JVM, each on its own directory. */
@Timeout(60)
class NunDbNodeTest {

    @TempDir
    Path one;

    @TempDir
    Path two;

    private static NunDbNode node(Path dir, String name) {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        return new NunDbNode(NodeOptions.onDisk(dir, name, "nun", "pwd-" + name)
                        .withFsync(FsyncPolicy.ALWAYS)
                        .withClock(clock))
                .start();
    }

    private static NodeClient onApp(NunDbNode node, String name) {
        NodeClient c = new NodeClient(node);
        assertThat(c.send("auth nun pwd-" + name)).isEqualTo("valid auth\nok \n");
        return c;
    }

    @Test
    void twoNodesInOneJvmKeepTheirOwnDataAcrossARestart() {
        try (NunDbNode a = node(one, "a");
                NunDbNode b = node(two, "b")) {
            NodeClient ca = onApp(a, "a");
            NodeClient cb = onApp(b, "b");
            ca.send("create-db app app-pwd");
            cb.send("create-db app app-pwd");
            ca.send("use-db app app-pwd");
            cb.send("use-db app app-pwd");
            assertThat(ca.send("set k from-a")).isEqualTo("ok \n");
            assertThat(ca.send("set k again-a")).isEqualTo("ok \n");
            assertThat(cb.send("set k from-b")).isEqualTo("ok \n");
            assertThat(cb.send("remove k")).isEqualTo("ok \n");
            assertThat(cb.send("set other 1")).isEqualTo("ok \n");
            assertThat(a.stateMachine().appliedIndex()).isEqualTo(3); // create-db + 2 sets
            List<LogEntry> applied = new ArrayList<>();
            a.stateMachine().addListener((entry, key, value) -> applied.add(entry));
            a.term(7);
            assertThat(ca.send("set t x")).isEqualTo("ok \n");
            assertThat(applied).containsExactly(LogEntry.put("app", "t", 0, "x").withIndex(4, 7));
            assertThat(b.stateMachine().appliedIndex()).isEqualTo(4);
        }
        try (NunDbNode a = node(one, "a");
                NunDbNode b = node(two, "b")) {
            NodeClient ca = onApp(a, "a");
            NodeClient cb = onApp(b, "b");
            ca.send("use-db app app-pwd");
            cb.send("use-db app app-pwd");
            assertThat(ca.send("get-safe k")).isEqualTo("value-version 1 again-a\nok \n");
            assertThat(cb.send("get k")).isEqualTo("value <Empty>\nok \n");
            assertThat(cb.send("get other")).isEqualTo("value 1\nok \n");
            assertThat(ca.send("get other")).isEqualTo("value <Empty>\nok \n");
            assertThat(ca.send("get t")).isEqualTo("value x\nok \n");
            // the old admin password of the other node is not this one's
            assertThat(new NodeClient(a).send("auth nun pwd-b")).isEqualTo("invalid auth\nok \n");
            // the op log carries on after the recovered entries
            assertThat(ca.send("set k third")).isEqualTo("ok \n");
            assertThat(a.stateMachine().appliedIndex()).isGreaterThan(4);
        }
    }

    @Test
    void aNodeInMemoryServesWithoutADataDirectory() {
        try (NunDbNode node = new NunDbNode(NodeOptions.inMemory("mem", "nun", "pwd")).start()) {
            NodeClient c = new NodeClient(node);
            c.send("auth nun pwd");
            assertThat(c.send("create-db app app-pwd")).isEqualTo("create-db success\nok \n");
            c.send("use-db app app-pwd");
            assertThat(c.send("set k v")).isEqualTo("ok \n");
            assertThat(c.send("get k")).isEqualTo("value v\nok \n");
            assertThat(node.opLog()).isNull();
            assertThat(node.stateMachine().appliedIndex()).isEqualTo(2);
        }
    }
}
