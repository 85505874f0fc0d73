package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Majority mode applies committed entries on a thread of its own, which may lag the commit. A
 * secondary that becomes the primary must not decide a write before it has applied everything its
 * term's no-op commits: deciding against memory that lacks the last committed write gives the key
 * a version it already had, and one of the two writes is lost (ClusterFailoverProcessTest once saw
 * "version 63, value 63 then version 63, value 64"). Here the secondaries' apply is held (outside
 * the pipeline's lock, so replication goes on) while the primary crashes.
 */
@Timeout(90)
class NewPrimaryAppliesBeforeDecidingTest {

    @TempDir
    Path dir;

    @Test
    void theFirstWriteOfANewPrimaryFollowsTheLastCommittedVersion() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.MAJORITY, 11)) {
            int p = c.awaitPrimary();
            ClusterClient admin = new ClusterClient(c.node(p));
            admin.send("auth nun mini-pwd");
            assertThat(admin.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            admin.send("use-db app app-token");
            assertThat(admin.send("set k 0")).isEqualTo("ok \n");
            assertThat(admin.send("set k 1")).isEqualTo("ok \n");
            c.awaitConverged(Duration.ofSeconds(20));

            // the secondaries hold `k = 2` durably and know it committed, but have not applied it
            for (int i = 0; i < c.size(); i++) {
                if (i != p) {
                    c.node(i).cluster().applier().hold();
                }
            }
            assertThat(admin.send("set k 2")).isEqualTo("ok \n");
            c.crash(p);

            Awaitility.await("a new primary")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> c.countRole(MiniCluster::isLeader) == 1);
            int q = -1;
            for (int i = 0; i < c.size(); i++) {
                if (i != p && MiniCluster.isLeader(c.node(i).cluster().status())) {
                    q = i;
                }
            }
            ClusterClient next = new ClusterClient(c.node(q));
            next.send("use-db app app-token");
            CompletableFuture<String> write = next.sendAsync("set k 3");
            // the write waits while the new primary has not applied what its no-op committed
            Awaitility.await()
                    .during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !write.isDone());
            for (int i = 0; i < c.size(); i++) {
                if (i != p) {
                    c.node(i).cluster().applier().release();
                }
            }
            assertThat(write.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo("ok \n");
            // versions 0, 1, 2 went to the values 0, 1, 2: the new primary's write is version 3
            assertThat(next.send("get-safe k")).isEqualTo("value-version 3 3\nok \n");
        }
    }
}
