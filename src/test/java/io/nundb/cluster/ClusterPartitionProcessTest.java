package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.testing.LedgerWriter;
import io.nundb.testing.LedgerWriter.Outcome;
import io.nundb.testing.LedgerWriter.Write;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes in majority mode, peers reaching each other through fault proxies;
 * the primary is cut off from both peers in both directions ({@link ProcessCluster#isolate}: its
 * own proxy drops what peers send it, and the peers' proxies drop the connections it opens to
 * them) while writers on every node keep writing. The old primary must step down and refuse
 * writes, the majority must elect a primary and take writes, and once the partition heals nothing
 * acknowledged is lost, nothing refused appears, and every node holds the same data.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterPartitionProcessTest {

    private static final String DB = "part";
    private static final String TOKEN = "part-token";
    private static final long ELECTION_TIMEOUT_MS = 1000;
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void anIsolatedPrimaryStepsDownAndTheMajorityLosesNothingAcknowledged() throws Exception {
        try (ProcessCluster c = ProcessCluster.builder(dir)
                .nodes(3)
                .clustered(true)
                .proxies(true)
                .ack("majority")
                .electionTimeoutMs(ELECTION_TIMEOUT_MS)
                .startTimeout(START)
                .build()) {
            c.startAll();
            for (int i = 0; i < 3; i++) {
                c.waitReady(i, START);
            }
            int old = ProcessClusterProbe.awaitPrimary(c, List.of(0, 1, 2), Duration.ofSeconds(20));
            List<Integer> majority = new ArrayList<>(List.of(0, 1, 2));
            majority.remove(Integer.valueOf(old));
            ProcessClusterProbe.createDb(c, old, DB, TOKEN);

            List<LedgerWriter> writers = new ArrayList<>();
            long isolatedAt;
            try {
                LedgerWriter onOld = LedgerWriter.freshKeys(c, "old", old, DB, TOKEN);
                writers.add(onOld);
                writers.add(LedgerWriter.freshKeys(c, "m1", majority.get(0), DB, TOKEN));
                writers.add(LedgerWriter.freshKeys(c, "m2", majority.get(1), DB, TOKEN));
                await("load on every writer")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> writers.stream().allMatch(w -> w.acked() >= 50));

                isolatedAt = System.nanoTime();
                c.isolate(old);

                await("the isolated primary steps down")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .ignoreExceptions()
                        .until(() -> !ProcessClusterProbe.role(ProcessClusterProbe.clusterInfo(c, old))
                                .equals("leader"));
                long steppedDownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - isolatedAt);
                int elected = ProcessClusterProbe.awaitPrimary(c, majority, Duration.ofSeconds(10));
                long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - isolatedAt);
                await("a write on the isolated old primary answered with an error")
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> onOld.ledger().stream()
                                .anyMatch(w -> w.answeredNanos() > isolatedAt && w.outcome() != Outcome.ACKED));
                // the first may be the write that was waiting for its commit when the partition began
                Write firstError = onOld.ledger().stream()
                        .filter(w -> w.answeredNanos() > isolatedAt && w.outcome() != Outcome.ACKED)
                        .findFirst()
                        .orElseThrow();
                long firstErrorMs = TimeUnit.NANOSECONDS.toMillis(firstError.answeredNanos() - isolatedAt);
                int m1 = writers.get(1).acked();
                int m2 = writers.get(2).acked();
                await("the majority side takes writes")
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> writers.get(1).acked() >= m1 + 30
                                && writers.get(2).acked() >= m2 + 30);
                System.out.printf(
                        "partition: old primary node %d stepped down %d ms after isolation (election timeout %d ms);"
                                + " node %d elected by %d ms; the old primary's first write error came at %d ms: %s%n",
                        old, steppedDownMs, ELECTION_TIMEOUT_MS, elected, electedMs, firstErrorMs, firstError.reply());
                assertThat(elected).isNotEqualTo(old);
                assertThat(steppedDownMs)
                        .as("the isolated primary stops leading within a few election timeouts")
                        .isLessThan(5 * ELECTION_TIMEOUT_MS);
                // a write waits up to writeWait (3 election timeouts + 1 s) for a primary, then fails
                assertThat(firstErrorMs)
                        .as("the isolated old primary answers its writes with an error within a bound")
                        .isLessThan(10 * ELECTION_TIMEOUT_MS);

                for (int j : majority) {
                    assertThat(c.proxy(j).originDroppedBytes())
                            .as("node %d's proxy dropped what the isolated node sent it", j)
                            .isPositive();
                }
                long healedAt = System.nanoTime();
                assertThat(onOld.ledger().stream()
                                .filter(w -> w.sentNanos() > isolatedAt + TimeUnit.MILLISECONDS.toNanos(100)
                                        && w.answeredNanos() < healedAt)
                                .filter(w -> w.outcome() == Outcome.ACKED))
                        .as("the isolated old primary acknowledges nothing sent during the partition")
                        .isEmpty();
                c.heal();
                int rejoined = ProcessClusterProbe.awaitPrimary(c, List.of(0, 1, 2), Duration.ofSeconds(20));
                int acksOnOld = onOld.acked();
                await("the old primary forwards writes again")
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> onOld.acked() >= acksOnOld + 30);
                System.out.printf(
                        "partition healed: all three agree on node %d within %d ms%n",
                        rejoined, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedAt));
            } finally {
                for (LedgerWriter w : writers) {
                    w.close();
                }
            }
            String digest = ProcessClusterProbe.awaitSameDigest(c, Duration.ofSeconds(30));
            System.out.println("partition: all three nodes converged: " + digest);
            List<Write> lost = Ledgers.check(c, "partition", DB, TOKEN, writers, isolatedAt);
            assertThat(lost)
                    .as("acknowledged writes missing after the partition healed")
                    .isEmpty();
        }
    }
}
