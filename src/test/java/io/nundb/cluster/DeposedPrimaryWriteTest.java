package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A majority-mode write taken by a primary that is then cut off waits for a commit that cannot
 * come there; once the node has lost the lead, its client gets an answer within the write wait
 * (unknown outcome: a new primary may still keep the entry) instead of waiting for the partition
 * to heal.
 */
@Timeout(60)
class DeposedPrimaryWriteTest {

    @TempDir
    Path dir;

    @Test
    void aWritePendingOnAPrimaryThatLosesTheLeadIsAnsweredAsUnknown() {
        try (MiniCluster c = new MiniCluster(dir, 3, AckMode.MAJORITY, 7)) {
            int p = c.awaitPrimary();
            ClusterClient admin = new ClusterClient(c.node(p));
            admin.send("auth nun mini-pwd");
            assertThat(admin.send("create-db app app-token")).isEqualTo("create-db success\nok \n");
            admin.send("use-db app app-token");
            assertThat(admin.send("set before 1")).isEqualTo("ok \n");

            c.network.isolate(c.id(p));
            long start = System.nanoTime();
            CompletableFuture<String> pending = admin.sendAsync("set during 2");
            String reply = pending.orTimeout(20, TimeUnit.SECONDS).join();
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(reply)
                    .startsWith("error ")
                    .contains("stopped being the primary")
                    .contains("may or may not have been applied");
            // election timeout 300 ms: the lead goes within about that, then the write waits 3 × 300 ms + 1 s
            assertThat(tookMs).isLessThan(10_000);

            c.network.heal();
            c.awaitPrimary();
            c.awaitConverged(Duration.ofSeconds(20));
            assertThat(new ClusterClient(c.node(p)).send("use-db app app-token"))
                    .isEqualTo("ok \n");
        }
    }
}
