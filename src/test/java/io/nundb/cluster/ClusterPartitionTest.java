package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions on the in-process cluster (election timeout 300 ms): an isolated primary stops taking
 * writes and the majority goes on without losing an acknowledged write (majority mode); a follower
 * left far behind catches up by snapshot; and what lazy mode loses when its primary is cut off.
 */
@Timeout(120)
class ClusterPartitionTest {

    private static final String APP = "use-db app app-token";

    @TempDir
    Path dir;

    @Test
    void anIsolatedPrimaryStopsTakingWritesAndTheMajorityLosesNothing() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.MAJORITY, 11)) {
            int p = c.awaitPrimary();
            ClusterClient old = appClient(c, p);
            List<String> acked = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                assertThat(old.send("set before" + i + " v" + i)).isEqualTo("ok \n");
                acked.add("before" + i);
            }

            c.network.isolate(c.id(p));
            long isolated = System.nanoTime();
            // sent while it still believes it is the primary: it logs them but cannot commit them
            List<CompletableFuture<String>> stranded = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                stranded.add(old.sendAsync("set stranded" + i + " x" + i));
            }
            Awaitility.await("the isolated primary steps down (check-quorum, about one election timeout)")
                    .atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> !c.status(p).isPrimary());
            long steppedDownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - isolated);
            // once deposed and alone, a write waits for a primary, then is refused (never ok)
            assertThat(old.send("set late x"))
                    .startsWith("error no primary available")
                    .contains("not applied");

            int q = awaitPrimaryOtherThan(c, p);
            ClusterClient next = appClient(c, q);
            for (int i = 0; i < 20; i++) {
                assertThat(next.send("set after" + i + " w" + i)).isEqualTo("ok \n");
                acked.add("after" + i);
            }
            for (CompletableFuture<String> s : stranded) {
                assertThat(s.getNow("pending")).isNotEqualTo("ok \n");
            }

            c.network.heal();
            c.awaitConverged(Duration.ofSeconds(20));
            for (CompletableFuture<String> s : stranded) {
                String reply = s.orTimeout(10, TimeUnit.SECONDS).join();
                // refused once truncated, or (if the write wait ran out first) reported as unknown
                assertThat(reply).startsWith("error ").containsAnyOf("not applied", "may or may not have been applied");
            }
            ClusterStatus oldStatus = c.status(p);
            System.out.printf(
                    "isolated primary stepped down after %d ms; it dropped %d uncommitted entries%n",
                    steppedDownMs, oldStatus.truncatedEntries());
            assertThat(oldStatus.truncatedEntries()).isGreaterThanOrEqualTo(stranded.size());
            for (int i = 0; i < 3; i++) {
                ClusterClient on = appClient(c, i);
                for (String key : acked) {
                    assertThat(on.send("get " + key)).doesNotContain("<Empty>");
                }
                for (int s = 0; s < stranded.size(); s++) {
                    assertThat(on.send("get stranded" + s)).isEqualTo("value <Empty>\nok \n");
                }
            }
            assertThat(c.digests()).hasSize(1);
        }
    }

    /**
     * The old primary crashes with entries nobody else has, and restarts after the majority moved
     * on: whatever its recovery put in memory from those entries must go again.
     */
    @Test
    void aPrimaryThatCrashedWithUncommittedEntriesDropsThemOnRestart() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.MAJORITY, 14)) {
            int p = c.awaitPrimary();
            ClusterClient old = appClient(c, p);
            assertThat(old.send("set k before")).isEqualTo("ok \n");
            long base = c.node(p).opLog().lastIndex();
            c.network.isolate(c.id(p));
            List<CompletableFuture<String>> stranded = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                stranded.add(old.sendAsync("set stranded" + i + " x" + i));
            }
            stranded.add(old.sendAsync("set k stranded"));
            Awaitility.await("the stranded writes are in the old primary's log")
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> c.node(p).opLog().lastWrittenIndex() >= base + stranded.size());
            c.crash(p);
            c.network.heal();
            for (CompletableFuture<String> s : stranded) {
                assertThat(s.getNow("pending")).isNotEqualTo("ok \n");
            }

            int q = awaitPrimaryOtherThan(c, p);
            ClusterClient next = appClient(c, q);
            assertThat(next.send("set k after")).isEqualTo("ok \n");
            assertThat(next.send("set other 1")).isEqualTo("ok \n");
            c.start(p);
            c.awaitConverged(Duration.ofSeconds(20));
            System.out.printf(
                    "restarted old primary dropped %d entries%n", c.status(p).truncatedEntries());
            assertThat(c.status(p).truncatedEntries()).isGreaterThanOrEqualTo(stranded.size());
            for (int i = 0; i < 3; i++) {
                ClusterClient on = appClient(c, i);
                assertThat(on.send("get-safe k")).isEqualTo("value-version 1 after\nok \n");
                assertThat(on.send("get stranded0")).isEqualTo("value <Empty>\nok \n");
            }
        }
    }

    /**
     * The old primary's write reached the followers but their acks were lost; the new primary
     * commits it, then compacts its log, so the old primary catches up by snapshot. Its client was
     * waiting: it must not be told the write failed, because it is in everyone's data.
     */
    @Test
    void aWriteCommittedByTheNextPrimaryIsNotReportedAsFailedWhenASnapshotArrives() throws Exception {
        try (MiniCluster c =
                new MiniCluster(dir, 3, AckMode.MAJORITY, 15, Duration.ofMillis(300), MiniCluster.SMALL_OP_LOG)) {
            int p = c.awaitPrimary();
            ClusterClient old = appClient(c, p);
            long base = c.node(p).opLog().lastIndex();
            c.network.delay(100, 100); // acks take 100 ms to come back: time to cut them off
            CompletableFuture<String> write = old.sendAsync("set shipped yes");
            Awaitility.await("the followers hold the entry")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(2))
                    .until(() -> IntStream.range(0, 3)
                            .allMatch(i -> c.node(i).opLog().lastWrittenIndex() > base));
            c.network.isolate(c.id(p)); // the acks on their way are lost
            c.network.delay(0, 0);

            int q = awaitPrimaryOtherThan(c, p);
            ClusterClient next = appClient(c, q);
            assertThat(next.send("get shipped"))
                    .as("premise: the followers got the entry and the new primary committed it")
                    .isEqualTo("value yes\nok \n");
            assertThat(write.getNow("pending")).isEqualTo("pending");
            long oldLast = c.node(p).opLog().lastIndex();
            String pad = "x".repeat(100);
            for (int i = 0; i < 300; i++) {
                assertThat(next.send("set k" + i + " " + pad)).isEqualTo("ok \n");
            }
            assertThat(next.send("auth nun mini-pwd")).isEqualTo("valid auth\nok \n");
            assertThat(next.send("snapshot")).isEqualTo("ok \n");
            Awaitility.await("the new primary dropped what the old one lacks")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node(q).opLog().firstIndex() > oldLast + 1);

            c.network.heal();
            c.awaitConverged(Duration.ofSeconds(20));
            assertThat(appClient(c, p).send("get shipped")).isEqualTo("value yes\nok \n");
            String reply = write.orTimeout(10, TimeUnit.SECONDS).join();
            System.out.println("the old primary's client was told: " + reply.strip());
            assertThat(reply)
                    .satisfiesAnyOf(
                            r -> assertThat(r).isEqualTo("ok \n"),
                            r -> assertThat(r).contains("may or may not have been applied"));
        }
    }

    @Test
    void aFollowerFarBehindCatchesUpBySnapshot() {
        try (MiniCluster c =
                new MiniCluster(dir, 3, AckMode.MAJORITY, 12, Duration.ofMillis(300), MiniCluster.SMALL_OP_LOG)) {
            int p = c.awaitPrimary();
            int f = (p + 1) % 3;
            ClusterClient admin = appClient(c, p);
            c.network.isolate(c.id(f));
            long behindAt = c.node(f).opLog().lastIndex();
            String pad = "x".repeat(100);
            for (int i = 0; i < 1500; i++) {
                assertThat(admin.send("set k" + i + " " + pad + i)).isEqualTo("ok \n");
            }
            assertThat(admin.send("snapshot")).isEqualTo("ok \n");
            Awaitility.await("the primary dropped the entries the follower lacks")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node(p).opLog().firstIndex() > behindAt + 1);
            long snapshotAt = c.node(p).opLog().snapshotIndex();

            c.network.heal();
            c.awaitConverged(Duration.ofSeconds(30));
            assertThat(c.node(f).opLog().snapshotIndex())
                    .as("the follower installed the primary's snapshot")
                    .isGreaterThanOrEqualTo(snapshotAt);
            ClusterClient follower = appClient(c, f);
            assertThat(follower.send("get k0")).isEqualTo("value " + pad + "0\nok \n");
            assertThat(follower.send("get k1499")).isEqualTo("value " + pad + "1499\nok \n");
            // and it follows live writes again
            assertThat(admin.send("set tail end")).isEqualTo("ok \n");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> follower.send("get tail").equals("value end\nok \n"));
        }
    }

    /**
     * Lazy mode's documented loss: a primary answers once the write is in its own op log, so
     * everything an isolated primary acknowledged before stepping down is gone once the majority
     * elects another primary — and the cluster still converges (the old primary drops them).
     */
    @Test
    void lazyModeLosesWhatAnIsolatedPrimaryAcknowledgedButConverges() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.LAZY, 13)) {
            int p = c.awaitPrimary();
            ClusterClient old = appClient(c, p);
            for (int i = 0; i < 10; i++) {
                assertThat(old.send("set before" + i + " v" + i)).isEqualTo("ok \n");
            }
            c.awaitConverged(Duration.ofSeconds(10));

            c.network.isolate(c.id(p));
            List<String> acked = new ArrayList<>();
            for (int i = 0; i < 1000 && c.status(p).isPrimary(); i++) {
                if (old.send("set lost" + i + " y" + i).equals("ok \n")) {
                    acked.add("lost" + i);
                }
            }
            assertThat(acked).as("the isolated primary acknowledged writes").isNotEmpty();

            int q = awaitPrimaryOtherThan(c, p);
            ClusterClient next = appClient(c, q);
            assertThat(next.send("set after z")).isEqualTo("ok \n");
            c.network.heal();
            c.awaitConverged(Duration.ofSeconds(20));

            int lost = 0;
            for (String key : acked) {
                if (next.send("get " + key).equals("value <Empty>\nok \n")) {
                    lost++;
                }
            }
            System.out.printf(
                    "lazy mode: the isolated primary acknowledged %d writes; %d were lost after failover;"
                            + " it dropped %d entries%n",
                    acked.size(), lost, c.status(p).truncatedEntries());
            // nothing it wrote after the cut reached anyone, so every one of them is gone
            assertThat(lost).isEqualTo(acked.size());
            assertThat(c.status(p).truncatedEntries()).isGreaterThanOrEqualTo(acked.size());
            ClusterClient back = appClient(c, p);
            assertThat(back.send("get after")).isEqualTo("value z\nok \n");
            assertThat(back.send("get before9")).isEqualTo("value v9\nok \n");
            assertThat(back.send("get " + acked.get(0))).isEqualTo("value <Empty>\nok \n");
        }
    }

    /** A session on node {@code i} using db {@code app}, created (through that node) if needed. */
    private static ClusterClient appClient(MiniCluster c, int i) {
        Awaitility.await("node " + i + " ready")
                .atMost(Duration.ofSeconds(20))
                .until(() -> c.node(i).cluster().isReady());
        ClusterClient client = new ClusterClient(c.node(i));
        if (!c.node(i).databases().exists("app")) {
            assertThat(client.send("auth nun mini-pwd")).isEqualTo("valid auth\nok \n");
            assertThat(client.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            Awaitility.await("the db on every running node")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> IntStream.range(0, c.size())
                            .allMatch(n -> !c.running(n)
                                    || !c.node(n).cluster().isReady()
                                    || c.node(n).databases().exists("app")));
        }
        assertThat(client.send(APP)).isEqualTo("ok \n");
        return client;
    }

    private static int awaitPrimaryOtherThan(MiniCluster c, int p) {
        int[] found = {-1};
        Awaitility.await("a new primary")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    for (int i = 0; i < c.size(); i++) {
                        if (i != p
                                && c.status(i).isPrimary()
                                && c.node(i).cluster().isReady()) {
                            found[0] = i;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }
}
