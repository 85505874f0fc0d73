package io.nundb.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.storage.Database;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.oplog.SegmentReader;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aDatabaseCreatedAndWrittenButNeverSnapshottedSurvivesARestart() throws Exception {
        Map<String, Map<String, String>> before;
        try (Node node = Node.open(dir)) {
            node.createDb("orders");
            node.put("orders", "o1", "first");
            node.put("orders", "o1", "second");
            node.put("orders", "o2", "x");
            node.remove("orders", "o2");
            before = node.state();
            node.crash();
        }
        assertThat(new SnapshotStore(dir.resolve("snapshots")).list()).isEmpty();
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
            Database orders = again.databases.get("orders");
            assertThat(orders.get("o1").version()).isEqualTo(1);
            assertThat(orders.get("o1").value()).isEqualTo("second");
            assertThat(orders.get("o2").deleted()).isTrue();
            assertThat(orders.get(Database.TOKEN_KEY).value()).isEqualTo("tok-orders");
            // the log goes on after the highest recovered index
            assertThat(again.put("orders", "o3", "y")).isEqualTo(6L);
        }
    }

    @Test
    void snapshotThenReplayRestoresAndDropsCoveredSegments() throws Exception {
        Map<String, Map<String, String>> before;
        OpLogOptions small = OpLogOptions.defaults().withSegmentBytes(2_000);
        try (Node node = new Node(dir, small, RecoveryMode.STRICT)) {
            node.createDb("a");
            for (int i = 0; i < 300; i++) {
                node.put("a", "k" + (i % 50), "value-" + i);
            }
            int segmentsBefore = SegmentReader.list(dir.resolve("oplog")).size();
            SnapshotStore.SnapshotInfo info = node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            assertThat(info.index()).isEqualTo(301);
            node.put("a", "after", "snapshot"); // rolls to a new segment: the old ones are covered
            node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            assertThat(SegmentReader.list(dir.resolve("oplog"))).hasSizeLessThan(segmentsBefore);
            for (int i = 0; i < 20; i++) {
                node.put("a", "late" + i, "v");
            }
            before = node.state();
            node.crash();
        }
        // the previous snapshot stays, to fall back on
        assertThat(new SnapshotStore(dir.resolve("snapshots")).list()).hasSize(2);
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
        }
    }

    @Test
    void gracefulCloseWritesAFinalSnapshot() throws Exception {
        Map<String, Map<String, String>> before;
        try (Node node = Node.open(dir)) {
            node.createDb("a");
            node.put("a", "k", "v");
            before = node.state();
        }
        List<Path> snaps = new SnapshotStore(dir.resolve("snapshots")).list();
        assertThat(snaps).hasSize(1);
        assertThat(snaps.get(0).getFileName().toString()).isEqualTo("snapshot-00000000000000000002.snap");
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
        }
    }

    @Test
    void reclaimDropsTombstones() throws Exception {
        try (Node node = Node.open(dir)) {
            node.createDb("a");
            node.put("a", "gone", "v");
            node.remove("a", "gone");
            node.snapshotter.snapshot(true).get(10, TimeUnit.SECONDS);
            assertThat(node.databases.get("a").get("gone")).isNull();
            node.crash();
        }
        try (Node again = Node.open(dir)) {
            assertThat(again.databases.get("a").get("gone")).isNull();
        }
    }

    @Test
    void aTornLastRecordIsCutOffAndTheRestLoads() throws Exception {
        try (Node node = Node.open(dir)) {
            node.createDb("a");
            node.put("a", "k1", "v1");
            node.put("a", "k2", "v2");
            node.crash();
        }
        Path segment = SegmentReader.list(dir.resolve("oplog")).get(0);
        long size = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(size - 5); // the crash hit in the middle of writing k2
        }
        try (Node again = Node.open(dir)) {
            assertThat(again.databases.get("a").get("k1").value()).isEqualTo("v1");
            assertThat(again.databases.get("a").get("k2")).isNull();
            again.put("a", "k3", "v3");
            again.crash();
        }
        try (Node third = Node.open(dir)) {
            assertThat(third.databases.get("a").get("k3").value()).isEqualTo("v3");
        }
    }

    @Test
    void aCorruptRecordInTheMiddleStopsTheStartNamingFileAndOffset() throws Exception {
        long offset = corruptSecondRecord();
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("segment-00000000000000000001.log")
                .hasMessageContaining("at offset " + offset)
                .hasMessageContaining("NUN_RECOVERY_MODE=lenient");
    }

    @Test
    void lenientRecoveryStartsWithTheDataBeforeTheCorruption() throws Exception {
        corruptSecondRecord();
        try (Node node = new Node(dir, OpLogOptions.defaults(), RecoveryMode.LENIENT)) {
            assertThat(node.databases.exists("a")).isTrue();
            assertThat(node.databases.get("a").get("k1")).isNull();
            node.put("a", "k9", "after");
            node.crash();
        }
        assertThat(Files.list(dir.resolve("oplog-quarantine")).count()).isEqualTo(1);
        try (Node strict = Node.open(dir)) {
            assertThat(strict.databases.get("a").get("k9").value()).isEqualTo("after");
        }
    }

    /** Writes create-db, k1, k2 and flips a byte inside k1; returns k1's offset. */
    private long corruptSecondRecord() throws Exception {
        long offset;
        try (Node node = Node.open(dir)) {
            node.createDb("a");
            offset = node.opLog.totalBytes();
            node.put("a", "k1", "v1");
            node.put("a", "k2", "v2");
            node.crash();
        }
        Path segment = SegmentReader.list(dir.resolve("oplog")).get(0);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(offset + 30);
            int b = f.read();
            f.seek(offset + 30);
            f.write(b ^ 0xff);
        }
        return offset;
    }

    @Test
    void aSnapshotTooLargeToMapIsStreamed() throws Exception {
        Map<String, Map<String, String>> before;
        try (Node node = Node.open(dir)) {
            node.createDb("a");
            node.createDb("b");
            for (int i = 0; i < 500; i++) {
                node.put(i % 2 == 0 ? "a" : "b", "k" + (i % 70), "value " + i + " ".repeat(i % 300));
            }
            node.remove("a", "k0");
            node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            before = node.state();
            node.crash();
        }
        Path snapshot = new SnapshotStore(dir.resolve("snapshots")).list().get(0);
        SnapshotStore streaming = new SnapshotStore(dir.resolve("snapshots"), 0);
        io.nundb.storage.Databases loaded = io.nundb.storage.Databases.inMemory("admin-pwd");
        SnapshotStore.SnapshotInfo info = streaming.loadNewest(loaded.stateMachine()::apply);
        assertThat(info.index()).isEqualTo(503);
        assertThat(info.databases()).isEqualTo(2);
        assertThat(Node.state(loaded)).isEqualTo(before);
        // a damaged streamed snapshot is refused as a whole, nothing applied
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(snapshot, bytes);
        io.nundb.storage.Databases empty = io.nundb.storage.Databases.inMemory("admin-pwd");
        assertThat(streaming.loadNewest(empty.stateMachine()::apply)).isNull();
        assertThat(empty.all()).hasSize(1);
    }

    @Test
    void anIncompleteNewestSnapshotFallsBackToTheOlderOne() throws Exception {
        Map<String, Map<String, String>> before;
        try (Node node = Node.open(dir)) {
            node.createDb("a");
            node.put("a", "k", "v");
            node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            node.put("a", "k2", "v2");
            before = node.state();
            node.crash();
        }
        Path good = new SnapshotStore(dir.resolve("snapshots")).list().get(0);
        byte[] bytes = Files.readAllBytes(good);
        // a newer snapshot, cut short by a crash, at an index the log holds
        Files.write(
                good.resolveSibling("snapshot-00000000000000000003.snap"),
                java.util.Arrays.copyOf(bytes, bytes.length - 4));
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
        }
    }
}
