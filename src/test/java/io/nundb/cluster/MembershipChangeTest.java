package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nundb.metrics.ClusterMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code join} and {@code leave} go through the replicated log: every node switches to the new
 * member set, majorities are counted among it, and it survives restarts and snapshots.
 */
@Timeout(180)
class MembershipChangeTest {

    @TempDir
    Path dir;

    private static Set<String> members(MiniCluster c, int... nodes) {
        return Set.of(java.util.Arrays.stream(nodes).mapToObj(c::id).toArray(String[]::new));
    }

    private static void awaitMembers(MiniCluster c, Set<String> want, int... nodes) {
        for (int i : nodes) {
            Awaitility.await("members of node " + i)
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> c.node(i).cluster().members().equals(want));
        }
    }

    private static ClusterClient admin(MiniCluster c, int i) {
        ClusterClient admin = new ClusterClient(c.node(i));
        assertThat(admin.send("auth nun mini-pwd")).isEqualTo("valid auth\nok \n");
        return admin;
    }

    @Test
    void aJoinedNodeGetsTheDataCountsInMajoritiesAndTheSetSurvivesRestartsAndSnapshots() {
        // tiny op-log segments: snapshots soon replace the log, so the member set must live in them too
        try (MiniCluster c =
                new MiniCluster(dir, 4, 3, AckMode.MAJORITY, 7, Duration.ofMillis(300), MiniCluster.SMALL_OP_LOG)) {
            int p = c.awaitPrimary();
            ClusterClient onPrimary = admin(c, p);
            assertThat(onPrimary.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            onPrimary.send("use-db app app-token");
            for (int i = 0; i < 50; i++) {
                assertThat(onPrimary.send("set k" + i + " " + "v".repeat(100) + i))
                        .isEqualTo("ok \n");
            }

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new ClusterMeters(c.node(p).cluster()).bindTo(registry);

            // node 3 starts configured with all four, and is added from a secondary (forwarded)
            c.start(3);
            int s = (p + 1) % 3;
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node(s).cluster().isReady());
            assertThat(admin(c, s).send("join " + c.id(3))).isEqualTo("ok \n");
            awaitMembers(c, members(c, 0, 1, 2, 3), 0, 1, 2, 3);
            c.awaitConverged(Duration.ofSeconds(30));
            assertThat(c.node(3).databases().exists("app")).isTrue();
            // the primary's lag gauge covers the new member (0: it has confirmed everything)
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(registry.get("nundb.cluster.peer.lag.entries")
                                    .tag("peer", c.id(3))
                                    .gauge()
                                    .value())
                            .isZero());

            // with four members a majority is three: two founders down, no write commits...
            int a = (p + 1) % 3;
            int b = (p + 2) % 3;
            c.crash(a);
            c.crash(b);
            assertThat(onPrimary.send("set blocked yes")).startsWith("error ");
            // ...and once one is back, the joined node's vote and log make the majority
            c.start(a);
            int q = c.awaitPrimary(Duration.ofSeconds(30));
            ClusterClient next = admin(c, q);
            next.send("use-db app app-token");
            assertThat(next.send("set after-join yes")).isEqualTo("ok \n");

            // a restarted founder keeps the set of the log, not the three it was configured with
            c.restart(a);
            c.start(b);
            awaitMembers(c, members(c, 0, 1, 2, 3), 0, 1, 2, 3);
            c.awaitConverged(Duration.ofSeconds(30));
        }
    }

    @Test
    void aRemovedPrimaryHandsOverAndTheRemainingNodesCarryOn() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.LAZY, 11)) {
            int p = c.awaitPrimary();
            ClusterClient onPrimary = admin(c, p);
            assertThat(onPrimary.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            assertThat(onPrimary.send("join bad address")).startsWith("error ");
            assertThat(onPrimary.send("leave " + c.id(p))).isEqualTo("ok \n");

            int a = (p + 1) % 3;
            int b = (p + 2) % 3;
            awaitMembers(c, members(c, a, b), a, b, p);
            int q = c.awaitPrimary(Duration.ofSeconds(30));
            assertThat(q).isNotEqualTo(p);
            // the removed node stays out: it never campaigns, and the two others form the majority
            ClusterClient next = admin(c, q);
            next.send("use-db app app-token");
            assertThat(next.send("set k after-leave")).isEqualTo("ok \n");
            c.crash(p);
            assertThat(next.send("set k still")).isEqualTo("ok \n");
            assertThat(c.status(q).role()).isEqualTo(io.nundb.cluster.raft.RaftNode.Role.LEADER);

            // the same change again is a no-op; a second node may leave too (one member left)
            assertThat(next.send("leave " + c.id(p))).isEqualTo("ok \n");
            int other = q == a ? b : a;
            assertThat(next.send("leave " + c.id(other))).isEqualTo("ok \n");
            awaitMembers(c, members(c, q), q);
            c.crash(other);
            assertThat(next.send("set k alone")).isEqualTo("ok \n");
            assertThat(next.send("leave " + c.id(q))).isEqualTo("error the last member cannot leave \n");

            // the single remaining member restarts as a cluster of one
            c.restart(q);
            int r = c.awaitPrimary(Duration.ofSeconds(30));
            assertThat(r).isEqualTo(q);
            ClusterClient again = new ClusterClient(c.node(r));
            again.send("use-db app app-token");
            assertThat(again.send("get k")).isEqualTo("value alone\nok \n");
        }
    }

    @Test
    void onlyTheAdminChangesMembers() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.LAZY, 3)) {
            int p = c.awaitPrimary();
            ClusterClient onPrimary = admin(c, p);
            onPrimary.send("create-db app app-token");
            ClusterClient user = new ClusterClient(c.node(p));
            user.send("use-db app app-token");
            assertThat(user.send("leave " + c.id(p))).startsWith("error ");
            assertThat(c.node(p).cluster().members()).hasSize(3);
        }
    }
}
