package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.ApplyPolicy;
import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.WritePipeline;
import io.nundb.storage.oplog.DelegatingChannel;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower's truncation and the op log's completions: a batch written just before the cut is
 * completed (as stored) on the op log's ack thread, maybe after the truncation returned. The
 * entries of it that the cut dropped must not reach the apply queue after the queue was told what
 * the cut dropped, or they are applied in the place of the entries the new primary sends for the
 * same indexes (watchers told of values no primary kept).
 */
@Timeout(30)
class OpLogRaftLogTruncationTest {

    @TempDir
    Path dir;

    @Test
    void entriesWrittenJustBeforeTheCutThatItDropsAreNeverApplied() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        OpLog opLog = new OpLog(dir, OpLogOptions.defaults(), DelegatingChannel.gated(go));
        opLog.start(0, List.of());
        Databases databases = new Databases(opLog, "pwd");
        WritePipeline pipeline = databases.pipeline();
        pipeline.applyPolicy(ApplyPolicy.EXTERNAL);
        List<String> applied = new CopyOnWriteArrayList<>();
        CountDownLatch ackThreadHeld = new CountDownLatch(1);
        databases.stateMachine().addListener((e, key, v) -> {
            applied.add(key + "=" + v.value() + "#" + e.index());
            if (v.value().equals("a")) {
                await(ackThreadHeld); // holds the op log's ack thread, which completes what follows
            }
        });
        OpLogRaftLog raftLog =
                new OpLogRaftLog(opLog, null, pipeline, Runnable::run, i -> {}, databases.stateMachine());
        try {
            pipeline.applyUpTo(2);
            // term 1: the database and k = a, committed; k = stale1..3 written but never committed.
            // The first batch waits on the disk while the second queues, so it completes on the
            // ack thread, which the listener then holds (applying k = a); the second's completion
            // queues behind it.
            raftLog.appendFollower(
                    List.of(
                            LogEntry.createDb("app", "tok", "none").withIndex(1, 1),
                            LogEntry.put("app", "k", 0, "a").withIndex(2, 1)),
                    i -> {});
            raftLog.appendFollower(
                    List.of(
                            LogEntry.put("app", "k", 1, "stale1").withIndex(3, 1),
                            LogEntry.put("app", "k", 2, "stale2").withIndex(4, 1),
                            LogEntry.put("app", "k", 3, "stale3").withIndex(5, 1)),
                    i -> {});
            go.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> opLog.lastWrittenIndex() == 5);

            // the primary of term 2 has index 2 but not 3: the follower truncates after 2
            CompletableFuture<Long> truncation = CompletableFuture.supplyAsync(() -> raftLog.truncateAfter(2));
            try {
                truncation.get(1, TimeUnit.SECONDS); // returns at once unless it waits for the completions
            } catch (java.util.concurrent.TimeoutException stillWaiting) {
                // it waits for the held ack thread: released below
            }
            ackThreadHeld.countDown();
            assertThat(truncation.get(5, TimeUnit.SECONDS)).isEqualTo(3);

            // term 2's entries at the indexes the cut freed, committed
            raftLog.appendFollower(
                    List.of(
                            LogEntry.put("app", "k", 1, "b").withIndex(3, 2),
                            LogEntry.put("app", "j", 0, "x").withIndex(4, 2)),
                    i -> {});
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> opLog.lastWrittenIndex() == 4);
            pipeline.applyUpTo(4);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.appliedIndex() >= 4);
            assertThat(applied).containsExactly("$$token=tok#1", "k=a#2", "k=b#3", "j=x#4");
        } finally {
            ackThreadHeld.countDown();
            opLog.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
