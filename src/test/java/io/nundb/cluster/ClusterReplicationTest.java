package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An in-process three-node cluster: one primary, replication, forwarding, watches on secondaries. */
@Timeout(120)
class ClusterReplicationTest {

    @TempDir
    Path dir;

    @Test
    void writesOnAnyNodeReachEveryNodeAndItsWatchers() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.LAZY, 1)) {
            int p = c.awaitPrimary();
            assertThat(c.countRole(MiniCluster::isLeader)).isEqualTo(1);
            int s = (p + 1) % 3;
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node(s).cluster().isReady());
            ClusterClient admin = new ClusterClient(c.node(s));
            assertThat(admin.send("auth nun mini-pwd")).isEqualTo("valid auth\nok \n");
            assertThat(admin.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            ClusterClient watcher = new ClusterClient(c.node((p + 2) % 3));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node((p + 2) % 3).databases().exists("app"));
            assertThat(watcher.send("use-db app app-token")).isEqualTo("ok \n");
            assertThat(watcher.send("watch k")).isEqualTo("ok \n");

            ClusterClient writer = new ClusterClient(c.node(s));
            writer.send("use-db app app-token");
            assertThat(writer.send("set k one")).isEqualTo("ok \n");
            // read your own write on the secondary that forwarded it
            assertThat(writer.send("get k")).isEqualTo("value one\nok \n");
            assertThat(writer.send("increment n 5")).isEqualTo("ok \n");
            assertThat(writer.send("get n")).isEqualTo("value 5\nok \n");
            ClusterClient onPrimary = new ClusterClient(c.node(p));
            onPrimary.send("use-db app app-token");
            assertThat(onPrimary.send("set k two")).isEqualTo("ok \n");

            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(watcher.pushed()).containsSubsequence("changed k one\n", "changed k two\n"));
            c.awaitConverged(Duration.ofSeconds(10));
            assertThat(admin.send("cluster-state"))
                    .contains("(self):Secondary ")
                    .contains(c.id(p) + "(Connected):Primary");
        }
    }

    @Test
    void thePrimaryCachesEntriesOnlyUntilEveryFollowerHasThem() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.LAZY, 3)) {
            int p = c.awaitPrimary();
            ClusterClient admin = new ClusterClient(c.node(p));
            admin.send("auth nun mini-pwd");
            assertThat(admin.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            admin.send("use-db app app-token");
            int down = (p + 1) % 3;
            c.crash(down);
            for (int i = 0; i < 50; i++) {
                assertThat(admin.send("set k" + i + " v" + i)).isEqualTo("ok \n");
            }
            // the node that is down needs all 50: they stay cached for its catch-up
            assertThat(c.node(p).opLog().cachedEntries()).isGreaterThanOrEqualTo(50);

            c.start(down);
            c.awaitConverged(Duration.ofSeconds(20));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(c.node(p).opLog().cachedEntries())
                            .as("every follower has every entry")
                            .isZero());
            for (int i = 0; i < 3; i++) {
                if (i != p) {
                    assertThat(c.node(i).opLog().cachedEntries())
                            .as("a follower caches nothing")
                            .isZero();
                }
            }
        }
    }

    @Test
    void aNewPrimaryTakesOverAndTheOldOneCatchesUp() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.MAJORITY, 2)) {
            int p = c.awaitPrimary();
            ClusterClient admin = new ClusterClient(c.node(p));
            admin.send("auth nun mini-pwd");
            assertThat(admin.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            admin.send("use-db app app-token");
            for (int i = 0; i < 20; i++) {
                assertThat(admin.send("set k" + i + " v" + i)).isEqualTo("ok \n");
            }
            c.crash(p);
            int q = c.awaitPrimary();
            assertThat(q).isNotEqualTo(p);
            ClusterClient next = new ClusterClient(c.node(q));
            next.send("use-db app app-token");
            for (int i = 0; i < 20; i++) {
                assertThat(next.send("get k" + i)).isEqualTo("value v" + i + "\nok \n");
            }
            assertThat(next.send("set after failover")).isEqualTo("ok \n");
            c.start(p);
            c.awaitConverged(Duration.ofSeconds(20));
            ClusterClient old = new ClusterClient(c.node(p));
            old.send("use-db app app-token");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> old.send("get after").equals("value failover\nok \n"));
        }
    }
}
