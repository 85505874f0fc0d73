package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.oplog.DelegatingChannel;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.oplog.SegmentChannel;
import io.nundb.storage.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower's durability report runs later on the Raft thread. If the primary changed meanwhile and
 * the follower truncated those indexes and took new entries at them that are not written yet, the
 * report must not count the new, unwritten entries as durable (majority mode would acknowledge a
 * write no majority holds). The op-log writer is held between the two appends, so the window is
 * forced, not raced.
 */
@Timeout(30)
class FollowerDurabilityReportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicBoolean holdWrites = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);
    /** The Raft thread, run by hand: a task runs only when the test says so. */
    private final Queue<Runnable> raftTasks = new ConcurrentLinkedQueue<>();

    private OpLog opLog;

    @AfterEach
    void close() throws Exception {
        release.countDown();
        if (opLog != null) {
            opLog.close();
        }
    }

    private SegmentChannel.Opener heldDisk() {
        return path -> new DelegatingChannel(SegmentChannel.FILES.open(path)) {
            @Override
            public void writeFully(ByteBuffer buffer) throws IOException {
                if (holdWrites.get()) {
                    try {
                        release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                super.writeFully(buffer);
            }
        };
    }

    private static LogEntry put(long index, long term, String value) {
        return LogEntry.put("db", "k", (int) index, value).withIndex(index, term);
    }

    private void runRaftTasks() {
        Runnable task;
        while ((task = raftTasks.poll()) != null) {
            task.run();
        }
    }

    @Test
    void aReportAfterATruncationNeverCountsTheNewUnwrittenEntriesAtTheSameIndexes() {
        opLog = new OpLog(dir.resolve("oplog"), OpLogOptions.defaults(), heldDisk());
        opLog.start(0, List.of());
        Databases databases = new Databases(opLog, "admin-pwd");
        OpLogRaftLog raftLog = new OpLogRaftLog(
                opLog,
                new SnapshotStore(dir.resolve("snapshots")),
                databases.pipeline(),
                raftTasks::add,
                index -> {},
                databases.stateMachine());
        List<Long> reports = new CopyOnWriteArrayList<>();

        // term 1: three entries written; their report is posted to the Raft thread but not run yet
        raftLog.appendFollower(
                List.of(LogEntry.createDb("db", "token", "none").withIndex(1, 1), put(2, 1, "a"), put(3, 1, "b")),
                reports::add);
        await().atMost(WAIT).until(() -> !raftTasks.isEmpty());
        assertThat(opLog.lastWrittenIndex()).isEqualTo(3);

        // term 2's primary never had 2 and 3: the follower cuts them and takes the new 2 and 3,
        // which the (held) disk has not written yet
        raftLog.truncateAfter(1);
        holdWrites.set(true);
        raftLog.appendFollower(List.of(put(2, 2, "c"), put(3, 2, "d")), reports::add);

        runRaftTasks();
        assertThat(reports).as("the term-1 report, run after the truncation").hasSize(1);
        assertThat(reports.get(0)).as("only index 1 is durable now").isLessThanOrEqualTo(1L);

        // once written, the new entries are reported durable
        release.countDown();
        await().atMost(WAIT).until(() -> {
            runRaftTasks();
            return reports.size() == 2;
        });
        assertThat(reports.get(1)).isEqualTo(3L);
        assertThat(opLog.lastWrittenIndex()).isEqualTo(3);
    }
}
