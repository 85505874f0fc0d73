package io.nundb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decide → append → apply → notify, with a journal whose answers the test gives by hand: what a
 * decision sees, when memory changes, what a refusal undoes, and the cluster's controls.
 */
@Timeout(10)
class WritePipelineTest {

    /** Numbers entries like the op log and lets the test answer each one. */
    private static final class HandJournal implements Journal {
        final List<CompletableFuture<Long>> answers = new ArrayList<>();
        final List<LogEntry> entries = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<Long> append(LogEntry entry) {
            entries.add(entry);
            CompletableFuture<Long> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        }

        /** Index i (1-based) is durable. */
        void durable(int i) {
            answers.get(i - 1).complete((long) i);
        }

        void refuse(int i) {
            answers.get(i - 1).completeExceptionally(new IOException("No space left on device"));
        }
    }

    private final HandJournal journal = new HandJournal();
    private final Databases dbs = new Databases(journal, "pwd");
    private final List<String> events = new ArrayList<>();
    private Database db;

    @BeforeEach
    void createDb() {
        dbs.stateMachine()
                .addListener((e, key, v) -> events.add(key + "=" + v.value() + "@" + v.version() + "#" + e.index()));
        CompletableFuture<Long> created = dbs.create("app", "tok", Strategy.NONE);
        assertThat(dbs.create("app", "tok", Strategy.NONE))
                .as("a pending create counts")
                .isNull();
        assertThat(dbs.get("app")).isNull();
        journal.durable(1);
        assertThat(created).isCompletedWithValue(1L);
        db = dbs.get("app");
        events.clear();
    }

    private WriteResult put(String key, String value) {
        return db.mutate(key, cur -> Decision.put(value, cur == null ? 0 : cur.version() + 1));
    }

    @Test
    void aDecisionSeesWhatWasDecidedBeforeItButMemoryOnlyWhatIsDurable() {
        WriteResult first = put("k", "a");
        WriteResult second = put("k", "b");
        assertThat(second.previous().value()).isEqualTo("a");
        assertThat(second.current().version()).isEqualTo(1);
        assertThat(db.get("k")).isNull();
        assertThat(db.latest("k").value()).isEqualTo("b");
        assertThat(db.latestLiveKeys()).contains("k");
        assertThat(events).isEmpty();

        journal.durable(2);
        assertThat(first.durable()).isCompletedWithValue(2L);
        assertThat(second.durable()).isNotDone();
        assertThat(db.get("k").value()).isEqualTo("a");
        assertThat(db.latest("k").value()).isEqualTo("b");

        journal.durable(3);
        assertThat(db.get("k").value()).isEqualTo("b");
        assertThat(events).containsExactly("k=a@0#2", "k=b@1#3");
        assertThat(dbs.stateMachine().appliedIndex()).isEqualTo(3);
    }

    @Test
    void aRefusedEntryAndEverythingAfterItNeverReachMemoryOrListeners() {
        put("k", "a");
        journal.durable(2);
        WriteResult b = put("k", "b");
        WriteResult c = put("k", "c");
        WriteResult other = put("other", "x");
        journal.refuse(3);
        journal.refuse(4);
        journal.refuse(5);
        assertThat(b.durable()).isCompletedExceptionally();
        assertThat(c.durable()).isCompletedExceptionally();
        assertThat(other.durable()).isCompletedExceptionally();
        assertThat(db.get("k").value()).isEqualTo("a");
        assertThat(db.latest("k").value()).as("the overlay is rolled back").isEqualTo("a");
        assertThat(db.latest("other")).isNull();
        assertThat(events).containsExactly("k=a@0#2");

        WriteResult next = put("k", "d");
        assertThat(next.current().version()).isEqualTo(1);
        journal.durable(6);
        assertThat(db.get("k").version()).isEqualTo(1);
        assertThat(events).containsExactly("k=a@0#2", "k=d@1#6");
    }

    @Test
    void anAnswerThatComesOutOfOrderIsStillAppliedInIndexOrder() {
        put("a", "1");
        put("b", "2");
        journal.durable(3); // the journal promises index order; the queue holds even if not
        assertThat(events).isEmpty();
        journal.durable(2);
        assertThat(events).containsExactly("a=1@0#2", "b=2@0#3");
    }

    @Test
    void underExternalControlDurableEntriesWaitForApplyUpTo() {
        WritePipeline pipeline = dbs.pipeline();
        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        WriteResult a = put("k", "a");
        WriteResult b = put("k", "b");
        CompletableFuture<Void> second = pipeline.whenApplied(3);
        journal.durable(2);
        journal.durable(3);
        assertThat(db.get("k")).isNull();
        assertThat(a.durable()).isNotDone();

        pipeline.applyUpTo(2);
        assertThat(a.durable()).isCompletedWithValue(2L);
        assertThat(db.get("k").value()).isEqualTo("a");
        assertThat(second).isNotDone();
        assertThat(pipeline.appliedIndex()).isEqualTo(2);

        // the cluster may know an index is committed before the local ack has run
        pipeline.applyUpTo(4);
        WriteResult c = put("k", "c");
        assertThat(b.durable()).isCompletedWithValue(3L);
        assertThat(second).isDone();
        journal.durable(4);
        assertThat(c.durable()).isCompletedWithValue(4L);
        assertThat(events).containsExactly("k=a@0#2", "k=b@1#3", "k=c@2#4");
        assertThat(pipeline.whenApplied(4)).isDone();
    }

    @Test
    void aWaiterOnTheAppliedIndexRunsAfterTheListenersHeardOfTheEntry() {
        // a secondary answers a forwarded write when whenApplied completes: by then a watcher must
        // have been told, or a watch its client makes next would be told of a change it already read
        WritePipeline pipeline = dbs.pipeline();
        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        put("k", "a");
        List<String> seenByWaiter = new ArrayList<>();
        pipeline.whenApplied(2).thenRun(() -> seenByWaiter.addAll(events));
        journal.durable(2);
        pipeline.applyUpTo(2);
        assertThat(seenByWaiter).containsExactly("k=a@0#2");
    }

    @Test
    void discardedEntriesFailTheirWritersAndLeaveTheOverlay() {
        WritePipeline pipeline = dbs.pipeline();
        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        WriteResult a = put("k", "a");
        WriteResult b = put("k", "b");
        journal.durable(2);
        journal.durable(3);
        pipeline.discardAfter(2, "lost the lead");
        assertThat(b.durable()).isCompletedExceptionally();
        assertThat(db.latest("k").value()).isEqualTo("a");
        pipeline.applyUpTo(3);
        assertThat(a.durable()).isCompletedWithValue(2L);
        assertThat(db.get("k").value()).isEqualTo("a");
        assertThat(db.latest("k").value()).isEqualTo("a");
        assertThat(events).containsExactly("k=a@0#2");
    }

    @Test
    void aSecondTruncationKeepsTheEntriesItDoesNotDropEvenBehindOnesTheFirstDropped() {
        // a follower in majority mode: index 2 uncommitted when the leader of term 2 drops index 3
        // (of term 1); the dropped entry waits in the queue behind index 2 until it is applied, and
        // a leader of term 3, which holds term 2's index 3, drops only index 4
        WritePipeline pipeline = dbs.pipeline();
        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        pipeline.offerReplicated(List.of(
                LogEntry.put("app", "k", 0, "a").withIndex(2, 1),
                LogEntry.put("app", "k", 1, "stale").withIndex(3, 1)));
        pipeline.discardAfter(2, "the primary changed");
        pipeline.offerReplicated(List.of(
                LogEntry.put("app", "k", 1, "b").withIndex(3, 2),
                LogEntry.put("app", "k", 2, "dropped").withIndex(4, 2)));
        pipeline.discardAfter(3, "the primary changed");
        pipeline.offerReplicated(List.of(LogEntry.put("app", "j", 0, "x").withIndex(4, 3)));

        pipeline.applyUpTo(4);
        assertThat(pipeline.appliedIndex()).isEqualTo(4);
        assertThat(events).containsExactly("k=a@0#2", "k=b@1#3", "j=x@0#4");
        assertThat(db.get("k").value()).as("the committed index 3 is in memory").isEqualTo("b");
        // were it not, the next decision on k would give it version 1 a second time
        assertThat(put("k", "c").current().version()).isEqualTo(2);
    }

    @Test
    void aReplicatedBatchIsAppliedInOrderOnceEachIsAllowed() {
        WritePipeline pipeline = dbs.pipeline();
        pipeline.offerReplicated(List.of(
                LogEntry.put("app", "k", 5, "x").withIndex(2, 1),
                LogEntry.put("app", "k", 6, "y").withIndex(3, 1),
                LogEntry.put("app", "j", 0, "z").withIndex(4, 1)));
        assertThat(events).containsExactly("k=x@5#2", "k=y@6#3", "j=z@0#4"); // ON_DURABLE: at once

        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        pipeline.offerReplicated(List.of(
                LogEntry.put("app", "k", 7, "a").withIndex(5, 1),
                LogEntry.put("app", "k", 8, "b").withIndex(6, 1)));
        assertThat(db.get("k").value()).isEqualTo("y");
        pipeline.applyUpTo(5);
        assertThat(db.get("k").value()).isEqualTo("a");
        pipeline.applyUpTo(6);
        assertThat(db.get("k").version()).isEqualTo(8);
        assertThat(pipeline.appliedIndex()).isEqualTo(6);
    }

    @Test
    void replicatedEntriesAreAppliedInOrderThroughTheSameStateMachine() {
        WritePipeline pipeline = dbs.pipeline();
        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        CompletableFuture<Long> first =
                pipeline.offerReplicated(LogEntry.put("app", "k", 5, "x").withIndex(2, 1));
        CompletableFuture<Long> second =
                pipeline.offerReplicated(LogEntry.createDb("more", "t", "none").withIndex(3, 1));
        assertThat(first).isNotDone();
        pipeline.applyReplicated(LogEntry.remove("app", "k", 6).withIndex(4, 1));
        assertThat(first).isCompletedWithValue(2L);
        assertThat(second).isCompletedWithValue(3L);
        assertThat(db.get("k").deleted()).isTrue();
        assertThat(db.get("k").version()).isEqualTo(6);
        assertThat(dbs.exists("more")).isTrue();
        assertThat(events).containsExactly("k=x@5#2", "$$token=t@0#3", "k=<Empty>@6#4");
        assertThat(journal.entries).hasSize(1); // only the create-db of the set-up: the cluster logs replicated entries

        // an entry that cannot be applied fails alone; the queue goes on
        CompletableFuture<Long> unknown =
                pipeline.applyReplicated(LogEntry.put("nope", "k", 0, "v").withIndex(5, 1));
        CompletableFuture<Long> after =
                pipeline.applyReplicated(LogEntry.put("app", "j", 0, "v").withIndex(6, 1));
        assertThat(unknown).isCompletedExceptionally();
        assertThat(after).isCompletedWithValue(6L);
        assertThat(db.get("j").value()).isEqualTo("v");
    }

    @Test
    void aNodeThatMayNotDecideRefusesLocalWritesWithoutTouchingTheLog() {
        put("k", "a");
        journal.durable(2);
        dbs.pipeline().localWrites(false, "this node is a secondary");
        WriteResult refused = put("k", "b");
        assertThat(refused.durable()).isCompletedExceptionally();
        assertThat(db.latest("k").value()).isEqualTo("a");
        assertThat(journal.entries).hasSize(2);
        dbs.pipeline().localWrites(true, null);
        WriteResult next = put("k", "c");
        journal.durable(3);
        assertThat(next.durable()).isCompletedWithValue(3L);
        assertThat(events).containsExactly("k=a@0#2", "k=c@1#3");
    }

    @Test
    void connectionsAreAppliedAtOnceWithoutTheJournal() {
        WriteResult r = db.mutate(Database.CONNECTIONS_KEY, cur -> Decision.put("1", 0));
        assertThat(r.durable()).isDone();
        assertThat(db.get(Database.CONNECTIONS_KEY).value()).isEqualTo("1");
        assertThat(events).containsExactly("$connections=1@0#0");
        assertThat(journal.entries).hasSize(1);
        assertThat(dbs.stateMachine().appliedIndex()).isEqualTo(1);
    }

    /**
     * An applied entry must not keep the ones after it alive: a collector that promoted it (it was
     * in flight during a young collection) would otherwise keep every later write reachable from
     * that dead object, and promote the whole stream of writes collection after collection.
     */
    @Test
    void anAppliedEntryDoesNotKeepLaterEntriesReachable() {
        WritePipeline pipeline = dbs.pipeline();
        VersionedValue v = VersionedValue.live("x", 0, 1);
        WritePipeline.InFlight first = pipeline.append(LogEntry.put("app", "a", 0, "x"), db, "a", v);
        WeakReference<WritePipeline.InFlight> second =
                new WeakReference<>(pipeline.append(LogEntry.put("app", "b", 0, "x"), db, "b", v));
        WritePipeline.InFlight third = pipeline.append(LogEntry.put("app", "c", 0, "x"), db, "c", v);
        journal.durable(2);
        journal.durable(3);
        journal.durable(4);
        assertThat(third.applied()).isCompletedWithValue(4L);
        assertThat(first.applied()).isCompletedWithValue(2L);
        for (int i = 0; i < 50 && second.get() != null; i++) {
            System.gc();
        }
        assertThat(second.get())
                .as("the second entry, applied, reachable only from the first")
                .isNull();
    }
}
