package io.nundb.cluster.raft;

import static io.nundb.cluster.raft.ManualCluster.T;
import static io.nundb.cluster.raft.ManualCluster.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lone write in majority mode reaches every follower's commit index through messages alone: no
 * heartbeat tick may be needed, whichever follower acknowledges first and however the acks
 * interleave with further writes. The three nodes' clocks never move while a write is under way
 * (only zero-delay tasks run), so a write that needed the heartbeat would stay uncommitted on
 * the slow follower and the test would see it — a timing-free check of what showed in the bench
 * as writes waiting 50 ms on a secondary.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RaftCommitNoticeTest {

    private ManualCluster n1;
    private ManualCluster n2;
    private ManualCluster n3;
    private Map<String, ManualCluster> byId;

    @BeforeEach
    void threeNodesWithALeader() {
        n1 = new ManualCluster("n1", 0);
        n2 = new ManualCluster("n2", 0);
        n3 = new ManualCluster("n3", 0);
        byId = Map.of("n1", n1, "n2", n2, "n3", n3);
        n2.node.start();
        n3.node.start();
        n1.electLeader();
        n1.advance(T / 10); // one heartbeat probes the followers (setup only)
        settle();
        assertThat(n1.node.isReadyLeader()).isTrue();
        assertThat(List.of(n2, n3))
                .allSatisfy(f -> assertThat(f.node.commitIndex()).isEqualTo(n1.node.commitIndex()));
    }

    @Test
    void aLoneWriteCommitsOnTheSlowFollowerWithoutAHeartbeat() {
        long index = write();
        deliver(n1); // the entry goes to both followers
        n2.flushDisk();
        deliver(n2); // n2's ack: a majority holds it
        assertThat(n1.node.commitIndex()).isEqualTo(index);
        n1.advance(0); // the coalesced commit notice
        deliver(n1); // n3 hears of the commit before its own write of the entry is done
        n3.flushDisk();
        settle();

        assertThat(n3.node.commitIndex()).isEqualTo(index);
        assertThat(n2.node.commitIndex()).isEqualTo(index);
    }

    @Test
    void aFollowerWhoseAcksLaggedIsToldTheNewestCommitOnceItCatchesUp() {
        long first = write();
        deliver(n1);
        n2.flushDisk();
        deliver(n2); // first committed through n2
        n1.advance(0);
        deliver(n1, "n2"); // the notice reaches n2; n3's copy is held back with its disk
        long second = write(); // shipped to n3 carrying commit = first while n3 has acked neither
        deliver(n1, "n2");
        n2.flushDisk();
        deliver(n2); // second committed through n2; n3 was already sent a newer commit than it acked
        n1.advance(0);
        deliver(n1);
        n3.flushDisk();
        settle();

        assertThat(n1.node.commitIndex()).isEqualTo(second);
        assertThat(n2.node.commitIndex()).isEqualTo(second);
        assertThat(n3.node.commitIndex())
                .as("n3 learns commit %d without a heartbeat", second)
                .isEqualTo(second);
        assertThat(first).isLessThan(second);
    }

    @Test
    void backToBackLoneWritesEachReachBothFollowersWithoutAHeartbeat() {
        for (int i = 0; i < 20; i++) {
            ManualCluster fast = i % 2 == 0 ? n2 : n3;
            ManualCluster slow = fast == n2 ? n3 : n2;
            long index = write();
            deliver(n1);
            fast.flushDisk();
            deliver(fast);
            n1.advance(0);
            deliver(n1);
            slow.flushDisk();
            settle();
            assertThat(slow.node.commitIndex())
                    .as("write %d on the slow follower", i)
                    .isEqualTo(index);
            assertThat(fast.node.commitIndex())
                    .as("write %d on the fast follower", i)
                    .isEqualTo(index);
        }
    }

    /** The leader accepts one write and its disk completes it (which ships it). */
    private long write() {
        long index = n1.log.lastIndex() + 1;
        n1.log.appendLeader(put(index, n1.node.term()));
        n1.flushDisk();
        return index;
    }

    /** Hands what {@code from} sent to its addressees (or only to {@code only}), in order. */
    private void deliver(ManualCluster from, String only) {
        List<ManualCluster.Sent> sent = from.drain();
        for (ManualCluster.Sent s : sent) {
            if (only == null || s.to().equals(only)) {
                byId.get(s.to()).node.handle(s.message());
            } else {
                from.sent.add(s); // held back: delivered by a later call, still in order
            }
        }
    }

    private void deliver(ManualCluster from) {
        deliver(from, null);
    }

    /** Runs everything queued until the three nodes go quiet, without moving a clock. */
    private void settle() {
        ManualCluster.settle(List.of(n1, n2, n3));
    }
}
