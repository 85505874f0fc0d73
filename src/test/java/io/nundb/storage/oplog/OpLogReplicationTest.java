package io.nundb.storage.oplog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The op log as a replication log: reading from an index, terms, follower mode, truncation, retention. */
@Timeout(30)
class OpLogReplicationTest {

    @TempDir
    Path dir;

    private static final OpLogOptions SMALL_SEGMENTS = OpLogOptions.defaults().withSegmentBytes(1000);

    private static LogEntry entry(int i) {
        return LogEntry.put("db", "key-" + i, i, "value-" + i);
    }

    /** One write per entry, so that segments roll at their size. */
    private static void appendAll(OpLog log, int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            log.append(entry(i)).get(5, TimeUnit.SECONDS);
        }
    }

    /** What a restart would find: the segments on disk. */
    private static List<Segment> onDisk(Path dir) throws IOException {
        List<Segment> out = new ArrayList<>();
        for (Path f : SegmentReader.list(dir)) {
            long[] records = {0};
            SegmentReader.Scan scan = SegmentReader.scan(f, r -> records[0]++);
            out.add(Segment.existing(f, scan.validBytes(), records[0]));
        }
        return out;
    }

    private static List<Long> indexes(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::index).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void readsFromAnIndexAcrossSegmentsAndFromTheCache() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.cacheLimits(20, 1 << 20);
        log.start(0, List.of());
        appendAll(log, 1, 200);
        assertThat(log.segments()).hasSizeGreaterThan(5);
        assertThat(log.lastIndex()).isEqualTo(200);
        assertThat(log.lastWrittenIndex()).isEqualTo(200);

        // from disk, across several segments, continuing where the last read stopped
        List<LogEntry> first = log.readFrom(3, 60);
        assertThat(indexes(first)).isEqualTo(range(3, 62));
        assertThat(first.get(0)).isEqualTo(new LogEntry(3, 0, OpType.PUT, "db", "key-3", 3, "value-3"));
        assertThat(indexes(log.readFrom(63, 60))).isEqualTo(range(63, 122));
        // from the cache (the last 20)
        assertThat(indexes(log.readFrom(190, 100))).isEqualTo(range(190, 200));
        // straddling disk and cache: disk up to the end
        assertThat(indexes(log.readFrom(170, 100))).isEqualTo(range(170, 200));
        assertThat(log.readFrom(201, 10)).isEmpty();
        // a byte budget smaller than one entry still returns that entry
        assertThat(log.readFrom(10, 100, 1)).hasSize(1);

        log.dropCoveredBy(100);
        long first2 = log.firstIndex();
        assertThat(first2).isGreaterThan(1).isLessThanOrEqualTo(101);
        assertThatThrownBy(() -> log.readFrom(1, 10))
                .isInstanceOf(CompactedException.class)
                .hasMessageContaining("compacted");
        assertThat(indexes(log.readFrom(first2, 5))).isEqualTo(range(first2, first2 + 4));
        log.close();
    }

    @Test
    void theCacheHoldsTheLeadersEntriesUntilReleasedAndNoneOfAFollowers() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.cacheLimits(100, 1 << 20);
        log.start(0, List.of());
        appendAll(log, 1, 30);
        assertThat(log.cachedEntries()).isEqualTo(30);

        // every follower has up to 25: the rest stays cached, and reads of either part still work
        log.releaseCacheThrough(25);
        assertThat(log.cachedEntries()).isEqualTo(5);
        assertThat(indexes(log.readFrom(26, 100))).isEqualTo(range(26, 30));
        assertThat(indexes(log.readFrom(20, 100))).isEqualTo(range(20, 30));
        appendAll(log, 31, 32);
        assertThat(log.cachedEntries()).isEqualTo(7);
        log.releaseCacheThrough(Long.MAX_VALUE);
        assertThat(log.cachedEntries()).isZero();

        // a follower's entries are not cached (it reads its segments if it ever leads)
        log.beginTerm(2, false);
        List<LogEntry> fromLeader =
                List.of(entry(33).withIndex(33, 2), entry(34).withIndex(34, 2));
        assertThat(log.appendReplicated(fromLeader).get(5, TimeUnit.SECONDS)).isEqualTo(34);
        assertThat(log.cachedEntries()).isZero();
        assertThat(indexes(log.readFrom(30, 100))).isEqualTo(range(30, 34));
        log.close();
    }

    @Test
    void termsAreKeptInRunsAndRebuiltAtRestart() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.start(0, List.of());
        appendAll(log, 1, 30); // term 0
        log.beginTerm(3, true);
        appendAll(log, 31, 40);
        log.beginTerm(7, true);
        appendAll(log, 41, 45);
        assertThat(log.termAt(0)).isZero();
        assertThat(log.termAt(30)).isZero();
        assertThat(log.termAt(31)).isEqualTo(3);
        assertThat(log.termAt(45)).isEqualTo(7);
        assertThat(log.termAt(46)).isEqualTo(-1);
        assertThatThrownBy(() -> log.beginTerm(6, true)).isInstanceOf(IllegalArgumentException.class);
        log.close();

        OpLog again = new OpLog(dir, SMALL_SEGMENTS);
        again.start(45, onDisk(dir));
        assertThat(again.termAt(1)).isZero();
        assertThat(again.termAt(30)).isZero();
        assertThat(again.termAt(31)).isEqualTo(3);
        assertThat(again.termAt(40)).isEqualTo(3);
        assertThat(again.termAt(41)).isEqualTo(7);
        assertThat(again.termAt(45)).isEqualTo(7);
        assertThat(again.currentTerm()).isEqualTo(7);
        assertThat(again.append(entry(46)).get(5, TimeUnit.SECONDS)).isEqualTo(46);
        assertThat(again.termAt(46)).isEqualTo(7);
        again.close();
    }

    @Test
    void theSnapshotTermIsKnownAtTheSnapshotIndexOnly() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.start(500, List.of(), 500, 4);
        assertThat(log.termAt(500)).isEqualTo(4);
        assertThat(log.termAt(499)).isEqualTo(-1);
        assertThat(log.firstIndex()).isEqualTo(501);
        assertThatThrownBy(() -> log.readFrom(500, 1)).isInstanceOf(CompactedException.class);
        assertThat(log.append(entry(1)).get(5, TimeUnit.SECONDS)).isEqualTo(501);
        assertThat(log.termAt(501)).isEqualTo(4);
        log.close();
    }

    @Test
    void aFollowersBigBatchCompletesOnTheWriterAndALeadersOnTheAckThread() throws Exception {
        int n = OpLog.INLINE_COMPLETIONS * 3;
        CountDownLatch go = new CountDownLatch(1);
        OpLog follower = new OpLog(dir.resolve("follower"), OpLogOptions.defaults(), DelegatingChannel.gated(go));
        follower.start(0, List.of());
        follower.beginTerm(1, false);
        List<LogEntry> batch = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            batch.add(entry(i).withIndex(i, 1));
        }
        CompletableFuture<String> followerThread = follower.appendReplicated(batch)
                .thenApply(last -> Thread.currentThread().getName());

        OpLog leader = new OpLog(dir.resolve("leader"), OpLogOptions.defaults(), DelegatingChannel.gated(go));
        leader.start(0, List.of());
        List<CompletableFuture<Long>> appends = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            appends.add(leader.append(entry(i)));
        }
        // the first batch (entry 1 and whatever the writer took with it) is written once all are
        // queued: it is bigger than the inline limit, or has more queued behind it
        CompletableFuture<String> leaderThread =
                appends.get(0).thenApply(first -> Thread.currentThread().getName());
        go.countDown();
        try {
            // the follower's one completion applies the whole batch: no hand-off for it
            assertThat(followerThread.get(5, TimeUnit.SECONDS)).isEqualTo("nundb-oplog-writer");
            // the leader's batch completes many clients' writes while the writer goes on
            assertThat(leaderThread.get(5, TimeUnit.SECONDS)).isEqualTo("nundb-oplog-ack");
        } finally {
            follower.close();
            leader.close();
        }
    }

    @Test
    void aFollowerRefusesLeaderAppendsAndTakesOnlyEntriesThatContinueTheLog() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.start(0, List.of());
        appendAll(log, 1, 3);
        log.beginTerm(2, false);
        assertThatThrownBy(() -> log.append(entry(4)).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NotLeaderException.class)
                .cause()
                .hasMessageContaining("not the leader");

        List<LogEntry> fromLeader = List.of(entry(4).withIndex(4, 1), entry(5).withIndex(5, 2));
        assertThat(log.appendReplicated(fromLeader).get(5, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(log.termAt(4)).isEqualTo(1);
        assertThat(log.termAt(5)).isEqualTo(2);

        assertThatThrownBy(() ->
                        log.appendReplicated(List.of(entry(7).withIndex(7, 2))).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .cause()
                .hasMessageContaining("continue at index 6");
        assertThatThrownBy(() ->
                        log.appendReplicated(List.of(entry(6).withIndex(6, 1))).get(5, TimeUnit.SECONDS))
                .cause()
                .hasMessageContaining("below the term 2");
        assertThatThrownBy(() ->
                        log.appendReplicated(List.of(entry(6).withIndex(6, 9))).get(5, TimeUnit.SECONDS))
                .cause()
                .hasMessageContaining("beyond the current term");
        assertThat(log.lastIndex()).isEqualTo(5);

        log.beginTerm(3, true);
        assertThatThrownBy(() ->
                        log.appendReplicated(List.of(entry(6).withIndex(6, 3))).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(log.append(entry(6)).get(5, TimeUnit.SECONDS)).isEqualTo(6);
        log.close();
        assertThat(indexes(OpLogTest.readAll(dir))).isEqualTo(range(1, 6));
        assertThat(OpLogTest.readAll(dir).get(5).term()).isEqualTo(3);
    }

    @Test
    void truncatesInTheActiveSegmentAndAcrossSegmentsThenAppendsAndRestarts() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.cacheLimits(5, 1 << 20);
        log.start(0, List.of());
        appendAll(log, 1, 100);
        int segmentsBefore = log.segments().size();

        // across segments
        assertThat(log.truncateAfter(55)).isEqualTo(45);
        assertThat(log.lastIndex()).isEqualTo(55);
        assertThat(log.segments().size()).isLessThan(segmentsBefore);
        assertThat(log.readFrom(56, 10)).isEmpty();
        assertThat(log.termAt(56)).isEqualTo(-1);
        log.beginTerm(2, true);
        appendAll(log, 1056, 1065); // indexes 56..65
        assertThat(indexes(log.readFrom(50, 100))).isEqualTo(range(50, 65));
        assertThat(log.readFrom(56, 1).get(0).key()).isEqualTo("key-1056");

        // in the middle of the active segment
        assertThat(log.truncateAfter(62)).isEqualTo(3);
        assertThat(log.truncateAfter(62)).isZero();
        appendAll(log, 2063, 2064); // indexes 63, 64
        log.close();

        List<LogEntry> disk = OpLogTest.readAll(dir);
        assertThat(indexes(disk)).isEqualTo(range(1, 64));
        assertThat(disk.get(54).key()).isEqualTo("key-55");
        assertThat(disk.get(55).key()).isEqualTo("key-1056");
        assertThat(disk.get(61).key()).isEqualTo("key-1062");
        assertThat(disk.get(62).key()).isEqualTo("key-2063");

        OpLog again = new OpLog(dir, SMALL_SEGMENTS);
        again.start(64, onDisk(dir));
        assertThat(again.termAt(55)).isZero();
        assertThat(again.termAt(56)).isEqualTo(2);
        assertThat(indexes(again.readFrom(1, 1000))).isEqualTo(range(1, 64));
        again.close();
    }

    @Test
    void truncationFailsTheQueuedEntriesItDropsAndRaceFreeAppendsContinue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hold = new AtomicBoolean();
        SegmentChannel.Opener slow = path -> new DelegatingChannel(SegmentChannel.FILES.open(path)) {
            @Override
            public void writeFully(ByteBuffer buffer) throws IOException {
                if (hold.get()) {
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                super.writeFully(buffer);
            }
        };
        OpLog log = new OpLog(dir, OpLogOptions.defaults(), slow);
        log.start(0, List.of());
        appendAll(log, 1, 5);
        hold.set(true);
        List<CompletableFuture<Long>> inFlight = new ArrayList<>();
        for (int i = 6; i <= 20; i++) {
            inFlight.add(log.append(entry(i)));
        }
        CompletableFuture<Long> truncated = CompletableFuture.supplyAsync(() -> {
            try {
                return log.truncateAfter(8);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        org.awaitility.Awaitility.await().until(() -> log.lastIndex() == 8);
        CompletableFuture<Long> after = log.append(entry(99));
        hold.set(false);
        release.countDown();
        assertThat(truncated.get(5, TimeUnit.SECONDS)).isEqualTo(12);
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo(9);
        for (int i = 0; i < inFlight.size(); i++) {
            CompletableFuture<Long> f = inFlight.get(i);
            long index = 6 + i;
            if (index <= 8) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(index);
            } else {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasMessageContaining("truncated");
            }
        }
        log.close();
        List<LogEntry> disk = OpLogTest.readAll(dir);
        assertThat(indexes(disk)).isEqualTo(range(1, 9));
        assertThat(disk.get(8).key()).isEqualTo("key-99");
    }

    @Test
    void aFailedBatchFailsEverythingQueuedAfterItAndLeavesNoHole() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean();
        CountDownLatch failing = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        SegmentChannel.Opener flaky = path -> new DelegatingChannel(SegmentChannel.FILES.open(path)) {
            @Override
            public void writeFully(ByteBuffer buffer) throws IOException {
                if (diskFull.get()) {
                    failing.countDown();
                    try {
                        queued.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    super.writeFully(buffer.duplicate().limit(buffer.position() + buffer.remaining() / 2));
                    throw new IOException("No space left on device");
                }
                super.writeFully(buffer);
            }
        };
        OpLog log = new OpLog(dir, OpLogOptions.defaults(), flaky);
        log.start(0, List.of());
        appendAll(log, 1, 3);
        diskFull.set(true);
        CompletableFuture<Long> failed = log.append(entry(4));
        failing.await(5, TimeUnit.SECONDS);
        // queued while the failing batch is being written
        List<CompletableFuture<Long>> behind = new ArrayList<>();
        for (int i = 5; i <= 9; i++) {
            behind.add(log.append(entry(i)));
        }
        assertThat(log.lastIndex()).isEqualTo(9);
        diskFull.set(false);
        queued.countDown();
        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasMessageContaining("No space left");
        for (CompletableFuture<Long> f : behind) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.termAt(4)).isEqualTo(-1);
        assertThat(log.append(entry(10)).get(5, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(indexes(log.readFrom(1, 10))).isEqualTo(range(1, 4));
        log.close();
        List<LogEntry> disk = OpLogTest.readAll(dir);
        assertThat(indexes(disk)).isEqualTo(range(1, 4));
        assertThat(disk.get(3).key()).isEqualTo("key-10");
    }

    @Test
    void retentionKeepsWhatALaggingFollowerNeedsUpToTheSizeLimit() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS.withMaxLogBytes(1 << 20));
        log.start(0, List.of());
        appendAll(log, 1, 200);
        long[] needed = {50};
        log.oldestIndexStillNeeded(() -> needed[0]);
        log.dropCoveredBy(150);
        assertThat(log.firstIndex()).isLessThanOrEqualTo(50);
        assertThat(indexes(log.readFrom(50, 3))).isEqualTo(range(50, 52));
        int kept = log.segments().size();

        needed[0] = Long.MAX_VALUE; // the follower caught up
        assertThat(log.dropCoveredBy(150)).isPositive();
        assertThat(log.firstIndex()).isGreaterThan(50).isLessThanOrEqualTo(151);
        assertThat(log.segments().size()).isLessThan(kept);
        log.close();

        // past the size limit, a lagging follower is no longer waited for
        Path other = dir.resolve("other");
        OpLog bounded = new OpLog(other, SMALL_SEGMENTS.withMaxLogBytes(3000));
        bounded.start(0, List.of());
        appendAll(bounded, 1, 200);
        bounded.oldestIndexStillNeeded(() -> 10);
        bounded.dropCoveredBy(150);
        long coveredBytes = 0;
        List<Segment> segs = bounded.segments();
        for (int i = 0; i + 1 < segs.size() && segs.get(i + 1).firstIndex() <= 151; i++) {
            coveredBytes += segs.get(i).bytes();
        }
        assertThat(coveredBytes).isLessThanOrEqualTo(3000);
        assertThat(bounded.firstIndex()).isGreaterThan(10);
        assertThatThrownBy(() -> bounded.readFrom(10, 1)).isInstanceOf(CompactedException.class);
        bounded.close();
    }

    @Test
    void resetAfterSnapshotDropsEveryOlderSegmentAndContinuesAfterIt() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS);
        log.start(0, List.of());
        appendAll(log, 1, 50);
        log.beginTerm(5, false);
        log.resetAfterSnapshot(1000, 4);
        assertThat(SegmentReader.list(dir)).isEmpty();
        assertThat(log.lastIndex()).isEqualTo(1000);
        assertThat(log.termAt(1000)).isEqualTo(4);
        assertThat(log.termAt(50)).isEqualTo(-1);
        assertThat(log.appendReplicated(List.of(entry(1).withIndex(1001, 5))).get(5, TimeUnit.SECONDS))
                .isEqualTo(1001);
        log.close();
        assertThat(indexes(OpLogTest.readAll(dir))).containsExactly(1001L);
        assertThat(Files.exists(dir.resolve(Segment.fileName(1001)))).isTrue();
    }

    @Test
    void truncationsRacingAppendsFromManyThreadsLeaveOneContiguousLog() throws Exception {
        OpLog log = new OpLog(dir, SMALL_SEGMENTS.withFsync(FsyncPolicy.NEVER));
        log.cacheLimits(50, 1 << 20);
        log.start(0, List.of());
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            done.add(writers.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    log.append(entry(thread * 1000 + i));
                    if (i % 50 == 0) {
                        Thread.yield();
                    }
                }
                return null;
            }));
        }
        java.util.Random random = new java.util.Random(42);
        long truncatedTotal = 0;
        for (int k = 0; k < 20; k++) {
            long last = log.lastIndex();
            if (last > 10) {
                truncatedTotal += log.truncateAfter(last - 1 - random.nextInt(8));
            }
            Thread.sleep(1);
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get(20, TimeUnit.SECONDS);
        }
        writers.shutdown();
        assertThat(truncatedTotal).isPositive();
        CompletableFuture<Long> last = log.append(entry(9999));
        long lastIndex = last.get(5, TimeUnit.SECONDS);
        assertThat(lastIndex).isEqualTo(1601 - truncatedTotal);
        List<LogEntry> read = new ArrayList<>();
        while (read.size() < lastIndex) {
            read.addAll(log.readFrom(read.size() + 1, 97));
        }
        log.close();
        List<LogEntry> disk = OpLogTest.readAll(dir);
        assertThat(indexes(disk)).isEqualTo(range(1, lastIndex));
        assertThat(read).isEqualTo(disk);
    }
}
