package io.nundb.cluster.raft;

import static io.nundb.cluster.raft.ManualCluster.T;
import static io.nundb.cluster.raft.ManualCluster.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.cluster.raft.RaftMessage.AppendReply;
import io.nundb.cluster.raft.RaftMessage.VoteReply;
import io.nundb.cluster.raft.RaftMessage.VoteRequest;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Single Raft rules, one node driven by hand (the simulation covers their interplay). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RaftNodeTest {

    @Test
    void aFollowerWithAHealthyLeaderRefusesPreVotesAndVotesWithoutChangingTerm() {
        ManualCluster c = new ManualCluster("n1", 1);
        c.node.start();
        c.node.handle(new AppendEntries(1, "n2", 0, 0, List.of(), 0));
        c.drain();
        c.advance(T / 2);

        c.node.handle(new VoteRequest(2, "n3", 5, 1, true));
        c.node.handle(new VoteRequest(2, "n3", 5, 1, false));

        assertThat(c.drain(VoteReply.class)).extracting(VoteReply::granted).containsExactly(false, false);
        assertThat(c.node.term()).isEqualTo(1);
        assertThat(c.node.leaderId()).isEqualTo("n2");
        assertThat(c.store.votedFor).isNull();

        // once the leader has been silent for an election timeout, a pre-vote is granted (term unchanged)
        c.advance(T);
        c.node.handle(new VoteRequest(2, "n3", 5, 1, true));
        assertThat(c.drain(VoteReply.class)).singleElement().satisfies(r -> {
            assertThat(r.granted()).isTrue();
            assertThat(r.preVote()).isTrue();
            assertThat(r.term()).isEqualTo(2);
        });
        assertThat(c.node.term()).isEqualTo(1);
    }

    @Test
    void aRejoiningNodeWithoutMajorityStaysInItsTermThroughPreVote() {
        ManualCluster c = new ManualCluster("n1", 4);
        c.node.start();
        for (int i = 0; i < 5; i++) {
            c.advance(2 * T); // its pre-votes are never answered
        }
        assertThat(c.node.role()).isEqualTo(RaftNode.Role.PRE_CANDIDATE);
        assertThat(c.node.term()).isEqualTo(4);
        assertThat(c.drain(VoteRequest.class)).isNotEmpty().allSatisfy(r -> {
            assertThat(r.preVote()).isTrue();
            assertThat(r.term()).isEqualTo(5);
        });
    }

    @Test
    void aLeaderThatHearsFromNoMajorityStepsDown() {
        ManualCluster c = new ManualCluster("n1", 0);
        c.electLeader();
        assertThat(c.node.role()).isEqualTo(RaftNode.Role.LEADER);

        // n2 answers every heartbeat for a while: the leader keeps its role
        for (int i = 0; i < 30; i++) {
            c.advance(T / 10);
            c.node.handle(new AppendReply(c.node.term(), "n2", true, 0));
        }
        assertThat(c.node.role()).isEqualTo(RaftNode.Role.LEADER);

        c.drain();
        long term = c.node.term();
        c.advance(2 * T); // nobody answers
        assertThat(c.events).contains("role FOLLOWER " + term + " null");
        assertThat(c.node.role()).isNotEqualTo(RaftNode.Role.LEADER);
        assertThat(c.node.leaderId()).isNull();
    }

    @Test
    void anOldTermEntryIsNotCommittedByCountingReplicas() {
        // n1 holds 1/1, never committed; it leads term 3 and appends its no-op at 2
        ManualCluster c = new ManualCluster("n1", 2, put(1, 1));
        c.electLeader();
        c.flushDisk();
        assertThat(c.node.term()).isEqualTo(3);
        assertThat(c.log.entryAt(2).type()).isEqualTo(OpType.NOOP);

        c.node.handle(new AppendReply(3, "n2", true, 1)); // a majority holds 1/1
        assertThat(c.node.commitIndex()).isZero();

        c.node.handle(new AppendReply(3, "n2", true, 2)); // ...and now 2/3 as well
        assertThat(c.node.commitIndex()).isEqualTo(2);
        assertThat(c.events).containsSubsequence("commit 2", "ready 3 2");
    }

    @Test
    void aDivergentTailIsTruncatedAndReported() {
        ManualCluster c = new ManualCluster("n1", 1, put(1, 1), put(2, 1), put(3, 1));
        c.node.start();

        // the new leader's log matches at 1 but holds 2/2
        c.node.handle(new AppendEntries(2, "n2", 3, 2, List.of(), 0));
        AppendReply reject = c.drain(AppendReply.class).get(0);
        assertThat(reject.success()).isFalse();
        assertThat(reject.matchIndex()).isEqualTo(0); // the whole term-1 run may differ

        c.node.handle(new AppendEntries(2, "n2", 1, 1, List.of(put(2, 2)), 1));
        assertThat(c.events).contains("truncated 2 2");
        assertThat(c.log.lastIndex()).isEqualTo(2);
        assertThat(c.log.termAt(2)).isEqualTo(2);
        assertThat(c.drain(AppendReply.class))
                .as("no ack before the entry is durable")
                .isEmpty();

        c.flushDisk();
        assertThat(c.drain(AppendReply.class)).singleElement().satisfies(r -> {
            assertThat(r.success()).isTrue();
            assertThat(r.matchIndex()).isEqualTo(2);
        });
        assertThat(c.node.commitIndex()).isEqualTo(1);
    }

    @Test
    void onlyAnAppendThatContinuesTheLogFromTheKnownLeaderCountsAsOnlyAppending() {
        ManualCluster c = new ManualCluster("n1", 1, put(1, 1), put(2, 1));
        AppendEntries next = new AppendEntries(1, "n2", 2, 1, List.of(put(3, 1)), 2);
        assertThat(c.node.onlyAppends(next)).as("not started").isFalse();
        c.node.start();
        assertThat(c.node.onlyAppends(next))
                .as("no leader known yet: handling it changes the role")
                .isFalse();
        c.node.handle(new AppendEntries(1, "n2", 2, 1, List.of(), 2));
        c.drain();

        assertThat(c.node.onlyAppends(next)).isTrue();
        assertThat(c.node.onlyAppends(new AppendEntries(1, "n2", 2, 1, List.of(), 2)))
                .as("a heartbeat")
                .isTrue();
        assertThat(c.node.onlyAppends(new AppendEntries(2, "n2", 2, 1, List.of(put(3, 2)), 2)))
                .as("a new term is persisted first")
                .isFalse();
        assertThat(c.node.onlyAppends(new AppendEntries(1, "n3", 2, 1, List.of(put(3, 1)), 2)))
                .as("another sender")
                .isFalse();
        assertThat(c.node.onlyAppends(new AppendEntries(1, "n2", 1, 1, List.of(put(2, 1), put(3, 1)), 2)))
                .as("overlapping what the log holds (may truncate)")
                .isFalse();
        assertThat(c.node.onlyAppends(new AppendEntries(
                        1, "n2", 2, 1, List.of(new LogEntry(3, 1, OpType.CONFIG, "", "", 0, "n1,n2")), 2)))
                .as("a member change")
                .isFalse();
        assertThat(c.node.onlyAppends(new VoteRequest(1, "n3", 2, 1, false))).isFalse();

        c.node.handle(next);
        assertThat(c.log.lastIndex()).isEqualTo(3);
        assertThat(c.node.onlyAppends(next)).as("now behind the log's end").isFalse();
    }

    @Test
    void aFollowerCommitsNoFurtherThanWhatTheLeaderVerified() {
        ManualCluster c = new ManualCluster("n1", 1, put(1, 1), put(2, 1), put(3, 1));
        c.node.start();
        // leaderCommit 3, but only the prefix up to 1 is known to match the leader's log
        c.node.handle(new AppendEntries(1, "n2", 1, 1, List.of(), 3));
        assertThat(c.node.commitIndex()).isEqualTo(1);
    }

    @Test
    void messagesOfAnOlderTermAreAnsweredWithTheNewTermAndChangeNothing() {
        ManualCluster c = new ManualCluster("n1", 5, put(1, 5));
        c.node.start();

        c.node.handle(new AppendEntries(3, "n2", 1, 5, List.of(put(2, 3)), 2));
        c.node.handle(new VoteRequest(4, "n3", 9, 4, false));
        c.node.handle(new VoteReply(3, "n2", true, false));
        c.node.handle(new AppendReply(4, "n2", true, 9));

        assertThat(c.drain())
                .extracting(ManualCluster.Sent::message)
                .satisfiesExactly(
                        m -> assertThat(m).isEqualTo(new AppendReply(5, "n1", false, 1)),
                        m -> assertThat(m).isEqualTo(new VoteReply(5, "n1", false, false)));
        assertThat(c.node.term()).isEqualTo(5);
        assertThat(c.node.leaderId()).isNull();
        assertThat(c.log.lastIndex()).isEqualTo(1);
        assertThat(c.node.commitIndex()).isZero();
        assertThat(c.node.role()).isEqualTo(RaftNode.Role.FOLLOWER);
    }

    @Test
    void theVoteIsDurableBeforeTheReplyLeavesAndGivenOncePerTerm() {
        ManualCluster c = new ManualCluster("n1", 1, put(1, 1));
        c.node.start();

        c.node.handle(new VoteRequest(2, "n2", 1, 1, false));
        assertThat(c.events).containsSubsequence("persist 2 n2", "send VoteReply");
        int persist = c.events.indexOf("persist 2 n2");
        assertThat(c.events.subList(0, persist)).doesNotContain("send VoteReply");
        assertThat(c.drain(VoteReply.class))
                .singleElement()
                .extracting(VoteReply::granted)
                .isEqualTo(true);

        c.node.handle(new VoteRequest(2, "n3", 1, 1, false)); // same term, other candidate
        assertThat(c.drain(VoteReply.class))
                .singleElement()
                .extracting(VoteReply::granted)
                .isEqualTo(false);
        assertThat(c.store.votedFor).isEqualTo("n2");
    }

    @Test
    void aCandidateWithAShorterOrOlderLogGetsNoVote() {
        ManualCluster c = new ManualCluster("n1", 2, put(1, 1), put(2, 2));
        c.node.start();
        c.node.handle(new VoteRequest(3, "n2", 5, 1, false)); // longer but older last term
        c.node.handle(new VoteRequest(4, "n3", 1, 2, false)); // same last term, shorter
        assertThat(c.drain(VoteReply.class)).extracting(VoteReply::granted).containsExactly(false, false);
        assertThat(c.store.votedFor).isNull();
        assertThat(c.node.term()).isEqualTo(4);
    }

    @Test
    void replicationIsPipelinedUpToTheInflightBoundThenWaitsForAcks() {
        RaftOptions options = new RaftOptions(T, T / 10, 1, 1 << 20, 2);
        ManualCluster c = new ManualCluster("n1", Set.of("n1", "n2"), options, 0);
        c.node.start();
        c.advance(2 * T);
        c.node.handle(new VoteReply(1, "n2", true, true));
        c.node.handle(new VoteReply(1, "n2", true, false));
        assertThat(c.node.role()).isEqualTo(RaftNode.Role.LEADER);
        c.flushDisk();
        c.drain();
        c.node.handle(new AppendReply(1, "n2", true, 1)); // the probe of the no-op matched
        assertThat(c.node.commitIndex()).isEqualTo(1);
        for (long i = 2; i <= 6; i++) {
            c.log.appendLeader(put(i, 1));
        }
        c.flushDisk();

        List<AppendEntries> batches = c.drain(AppendEntries.class).stream()
                .filter(a -> !a.entries().isEmpty())
                .toList();
        assertThat(batches).extracting(AppendEntries::prevLogIndex).containsExactly(1L, 2L);
        assertThat(c.node.progress()).singleElement().satisfies(p -> {
            assertThat(p.inflight()).isEqualTo(2);
            assertThat(p.state()).isEqualTo(RaftNode.ReplicationState.REPLICATE);
        });

        c.node.handle(new AppendReply(1, "n2", true, 2));
        assertThat(c.drain(AppendEntries.class))
                .extracting(AppendEntries::prevLogIndex)
                .containsExactly(3L);
        assertThat(c.node.commitIndex()).isEqualTo(2);
    }

    @Test
    void aDeposedLeaderAcksItsOwnWritesOnceTheyAreDurable() {
        ManualCluster c = new ManualCluster("n1", 0);
        c.electLeader(); // term 1, no-op at 1
        c.log.appendLeader(put(2, 1));
        c.log.appendLeader(put(3, 1));

        c.node.handle(new AppendEntries(2, "n2", 3, 1, List.of(), 0)); // a new leader whose log matches
        assertThat(c.node.role()).isEqualTo(RaftNode.Role.FOLLOWER);
        assertThat(c.drain(AppendReply.class))
                .singleElement()
                .extracting(AppendReply::matchIndex)
                .isEqualTo(0L);

        c.flushDisk(); // one report per write (the no-op, then 2, then 3), queued together: one ack
        assertThat(c.drain(AppendReply.class))
                .extracting(AppendReply::matchIndex)
                .containsExactly(3L);
    }
}
