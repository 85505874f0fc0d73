package io.nundb.cluster.raft;

import static io.nundb.cluster.raft.ManualCluster.T;
import static io.nundb.cluster.raft.ManualCluster.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Without prompt commit notices (lazy mode, whose followers apply what is durable) a commit costs
 * no message of its own: followers learn the commit index from the next append or heartbeat. With
 * notices (majority mode) each commit sends an empty append to every follower, and each follower
 * answers it: twice the messages per replicated batch. Clocks move only when told (only zero-delay
 * tasks run otherwise), so every message counted here is one the commit itself caused.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RaftLazyCommitTest {

    private ManualCluster n1;
    private ManualCluster n2;
    private ManualCluster n3;
    private Map<String, ManualCluster> byId;

    private void threeNodes(boolean notices) {
        threeNodes(RaftOptions.fromElectionTimeout(T).withCommitNotices(notices));
        n1.advance(T / 10); // and the next heartbeat tells the followers the no-op's commit
        settle();
        assertThat(n1.node.isReadyLeader()).isTrue();
        assertThat(List.of(n2, n3))
                .allSatisfy(f -> assertThat(f.node.commitIndex()).isEqualTo(n1.node.commitIndex()));
    }

    private void threeNodes(RaftOptions options) {
        Set<String> members = Set.of("n1", "n2", "n3");
        n1 = new ManualCluster("n1", members, options, 0);
        n2 = new ManualCluster("n2", members, options, 0);
        n3 = new ManualCluster("n3", members, options, 0);
        byId = Map.of("n1", n1, "n2", n2, "n3", n3);
        n2.node.start();
        n3.node.start();
        n1.electLeader();
        n1.advance(T / 10); // one heartbeat probes the followers (setup only)
        settle();
    }

    @ParameterizedTest(name = "commit notices {0}")
    @ValueSource(booleans = {true, false})
    void aCommitSendsAnEmptyAppendOnlyWithNotices(boolean notices) {
        threeNodes(notices);
        long index = write();
        deliver(n1); // the entry goes to both followers
        n2.flushDisk();
        n3.flushDisk();
        deliver(n2);
        deliver(n3); // both acks: committed
        assertThat(n1.node.commitIndex()).isEqualTo(index);
        n1.advance(0); // where a notice would go out

        List<AppendEntries> after = n1.drain(AppendEntries.class);
        if (notices) {
            assertThat(after).hasSize(2).allSatisfy(a -> assertThat(a.entries()).isEmpty());
        } else {
            assertThat(after).as("no message for the commit alone").isEmpty();
            assertThat(n2.node.commitIndex()).isLessThan(index);
            assertThat(n3.node.commitIndex()).isLessThan(index);
        }
    }

    @Test
    void withoutNoticesTheNextAppendCarriesTheCommit() {
        threeNodes(false);
        long first = write();
        deliver(n1);
        n2.flushDisk();
        n3.flushDisk();
        deliver(n2);
        deliver(n3);
        n1.advance(0);
        assertThat(n1.node.commitIndex()).isEqualTo(first);

        long second = write(); // its append carries commit = first
        deliver(n1);
        assertThat(n2.node.commitIndex()).isEqualTo(first);
        assertThat(n3.node.commitIndex()).isEqualTo(first);
        settle();
        assertThat(n1.node.commitIndex()).isEqualTo(second);
    }

    @Test
    void withoutNoticesTheHeartbeatCarriesTheLastCommit() {
        threeNodes(false);
        long index = write();
        settle();
        assertThat(n1.node.commitIndex()).isEqualTo(index);
        assertThat(n2.node.commitIndex()).isLessThan(index);

        n1.advance(T / 10);
        settle();
        assertThat(n2.node.commitIndex()).isEqualTo(index);
        assertThat(n3.node.commitIndex()).isEqualTo(index);
    }

    @Test
    void withoutNoticesABurstSendsOneAppendAndGetsOneAckPerBatch() {
        threeNodes(false);
        int batches = 50;
        int leaderMessages = 0;
        int followerMessages = 0;
        for (int i = 0; i < batches; i++) {
            write();
            leaderMessages += n1.sent.size();
            deliver(n1);
            for (ManualCluster f : List.of(n2, n3)) {
                f.flushDisk();
                followerMessages += f.sent.size();
                deliver(f);
            }
            n1.advance(0);
        }
        leaderMessages += n1.sent.size();
        assertThat(leaderMessages).isEqualTo(2 * batches);
        assertThat(followerMessages).isEqualTo(2 * batches);
        assertThat(n1.node.commitIndex()).isEqualTo(n1.log.lastIndex());
    }

    /** Both ack modes run with one batch in flight (majority mode with commit notices as well). */
    @ParameterizedTest(name = "commit notices {0}")
    @ValueSource(booleans = {true, false})
    void withOneBatchInFlightWritesThatCameMeanwhileGoOutAsOneBatch(boolean notices) {
        threeNodes(RaftOptions.fromElectionTimeout(T).withCommitNotices(notices).withMaxInflight(1));

        long first = write();
        List<ManualCluster.Sent> shipped = n1.drain();
        assertThat(shipped)
                .hasSize(2)
                .allSatisfy(sent ->
                        assertThat(((AppendEntries) sent.message()).entries()).hasSize(1));
        long second = write();
        long third = write();
        assertThat(n1.sent)
                .as("nothing more while the first batch is unacknowledged")
                .isEmpty();

        for (ManualCluster.Sent sent : shipped) {
            ManualCluster follower = byId.get(sent.to());
            follower.node.handle(sent.message());
            follower.flushDisk();
            deliver(follower); // its ack frees the slot: what came meanwhile goes out together
        }
        n1.advance(0); // where a commit notice would go out
        List<AppendEntries> next = n1.drain(AppendEntries.class);
        assertThat(next)
                .as("one batch per follower, and no notice besides: the batch carries the commit")
                .hasSize(2)
                .allSatisfy(a -> {
                    assertThat(a.prevLogIndex()).isEqualTo(first);
                    assertThat(a.entries()).extracting(e -> e.index()).containsExactly(second, third);
                    assertThat(a.leaderCommit()).isEqualTo(first);
                });
    }

    @Test
    void underLoadTheNextBatchWaitsForMoreAndALoneWriteDoesNot() {
        threeNodesLingering();

        List<AppendEntries> first = shipAndAck(List.of(write()));
        assertThat(first).allSatisfy(a -> assertThat(a.entries()).hasSize(1));
        long second = write();
        List<AppendEntries> lone = n1.drain(AppendEntries.class);
        assertThat(lone)
                .as("after a batch of one, a lone write ships at once")
                .hasSize(2)
                .allSatisfy(
                        a -> assertThat(a.entries()).extracting(e -> e.index()).containsExactly(second));
        long third = write();
        long fourth = write();
        assertThat(n1.sent).as("one batch in flight").isEmpty();
        ackAll(second, lone);
        List<AppendEntries> pair = n1.drain(AppendEntries.class);
        assertThat(pair)
                .hasSize(2)
                .allSatisfy(
                        a -> assertThat(a.entries()).extracting(e -> e.index()).containsExactly(third, fourth));

        long fifth = write();
        ackAll(fourth, pair);
        long sixth = write();
        assertThat(n1.sent)
                .as("after a batch of two (the load), the next waits for the linger")
                .isEmpty();
        n1.advance(1);
        assertThat(n1.drain(AppendEntries.class))
                .as("what gathered meanwhile goes as one batch")
                .hasSize(2)
                .allSatisfy(
                        a -> assertThat(a.entries()).extracting(e -> e.index()).containsExactly(fifth, sixth));
    }

    @Test
    void whenTheLoadEndsTheNextWriteShipsAtOnce() {
        threeNodesLingering();
        long first = write();
        List<AppendEntries> one = n1.drain(AppendEntries.class);
        long second = write();
        long third = write();
        ackAll(first, one);
        List<AppendEntries> two = n1.drain(AppendEntries.class);
        assertThat(two).allSatisfy(a -> assertThat(a.entries()).hasSize(2));
        ackAll(third, two); // nothing more came: the follower is caught up, the load is over

        long fourth = write();
        assertThat(n1.drain(AppendEntries.class))
                .as("no wait after the load ended")
                .hasSize(2)
                .allSatisfy(
                        a -> assertThat(a.entries()).extracting(e -> e.index()).containsExactly(fourth));
    }

    @Test
    void aLazyLeaderWantsNoReportsOfItsWritesWhileEveryFollowerIsBusy() {
        threeNodesLingering();
        assertThat(n1.node.wantsLocalReports()).as("followers idle").isTrue();
        long first = write();
        List<AppendEntries> inFlight = n1.drain(AppendEntries.class);
        assertThat(n1.node.wantsLocalReports())
                .as("a batch in flight to each follower: a report would ship nothing")
                .isFalse();
        ackAll(first, inFlight);
        assertThat(n1.node.wantsLocalReports())
                .as("both acknowledged, nothing left")
                .isTrue();
        assertThat(n1.node.commitIndex()).isEqualTo(first);
    }

    @Test
    void withCommitNoticesEveryWriteIsReported() {
        threeNodes(true);
        write();
        assertThat(n1.drain(AppendEntries.class)).hasSize(2);
        assertThat(n1.node.wantsLocalReports()).isTrue();
    }

    @Test
    void aFollowerAFullBatchBehindGetsSeveralBatchesAtOnce() {
        threeNodesLingering();
        int batch = RaftOptions.fromElectionTimeout(T).maxEntriesPerAppend();
        long first = n1.log.lastIndex() + 1;
        for (int i = 0; i < 3 * batch; i++) {
            n1.log.appendLeader(put(n1.log.lastIndex() + 1, n1.node.term()));
        }
        n1.flushDisk();
        List<AppendEntries> sent = n1.drain(AppendEntries.class);
        assertThat(sent)
                .as("three full batches to each follower, not one per round trip")
                .hasSize(6)
                .allSatisfy(a -> assertThat(a.entries()).hasSize(batch));
        assertThat(sent.stream().filter(a -> a.prevLogIndex() == first - 1)).hasSize(2);
    }

    /** Lazy mode's settings, with a 1 ms wait after batches of two or more. */
    private void threeNodesLingering() {
        threeNodes(RaftOptions.fromElectionTimeout(T)
                .withCommitNotices(false)
                .withMaxInflight(1)
                .withBatchLinger(1, 2));
    }

    private List<AppendEntries> shipAndAck(List<Long> indexes) {
        List<AppendEntries> shipped = n1.drain(AppendEntries.class);
        ackAll(indexes.get(indexes.size() - 1), shipped);
        return shipped;
    }

    /** The followers take {@code batches} (up to {@code last}) and acknowledge them. */
    private void ackAll(long last, List<AppendEntries> batches) {
        assertThat(batches).isNotEmpty();
        for (ManualCluster follower : List.of(n2, n3)) {
            for (AppendEntries a : batches) {
                follower.node.handle(a);
            }
            follower.flushDisk();
            assertThat(follower.log.lastIndex()).isGreaterThanOrEqualTo(last);
            deliver(follower);
        }
    }

    /** The leader accepts one write and its disk completes it (which ships it). */
    private long write() {
        long index = n1.log.lastIndex() + 1;
        n1.log.appendLeader(put(index, n1.node.term()));
        n1.flushDisk();
        return index;
    }

    private void deliver(ManualCluster from) {
        from.deliverTo(List.of(n1, n2, n3));
    }

    private void settle() {
        ManualCluster.settle(List.of(n1, n2, n3));
    }
}
