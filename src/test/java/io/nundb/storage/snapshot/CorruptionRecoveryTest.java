package io.nundb.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.storage.LogEntry;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.oplog.RecordCodec;
import io.nundb.storage.oplog.SegmentReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files at start: recovery falls back on what is sound or refuses, never starts with less
 * data than the files hold, and deletes no evidence.
 */
@Timeout(60)
class CorruptionRecoveryTest {

    @TempDir
    Path dir;

    private static final OpLogOptions SMALL = OpLogOptions.defaults().withSegmentBytes(1500);

    private Path snapshots() {
        return dir.resolve("snapshots");
    }

    private Path oplog() {
        return dir.resolve("oplog");
    }

    /** Every file under the data directory with its size: what "no evidence deleted" compares. */
    private Map<String, Long> files() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.size(p));
            }
        }
        return out;
    }

    /** Two snapshots with writes before, between and after them; returns the state at the crash. */
    private Map<String, Map<String, String>> twoSnapshotsAndATail() throws Exception {
        try (Node node = new Node(dir, SMALL, RecoveryMode.STRICT)) {
            node.createDb("a");
            for (int i = 0; i < 60; i++) {
                node.put("a", "k" + (i % 25), "first " + i);
            }
            node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 60; i++) {
                node.put("a", "k" + (i % 30), "second " + i);
            }
            node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                node.put("a", "tail" + i, "third " + i);
            }
            Map<String, Map<String, String>> state = node.state();
            node.crash();
            return state;
        }
    }

    private Path newestSnapshot() throws IOException {
        return new SnapshotStore(snapshots()).list().get(0);
    }

    private static void flip(Path file, long offset, int mask) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ mask);
        }
    }

    /** The start offset of every record of a segment. */
    private static List<Integer> offsets(Path segment) throws IOException {
        ByteBuffer in = SegmentReader.map(segment);
        List<Integer> out = new ArrayList<>();
        int offset = 0;
        while (offset < in.limit()) {
            RecordCodec.Decoded d = RecordCodec.decode(in, offset);
            if (d.kind() != RecordCodec.Decoded.Kind.OK) {
                break;
            }
            out.add(offset);
            offset = d.next();
        }
        return out;
    }

    @Test
    void aNewestSnapshotWithAFlippedByteFallsBackOnThePreviousOneAndTheLog() throws Exception {
        Map<String, Map<String, String>> before = twoSnapshotsAndATail();
        Path newest = newestSnapshot();
        flip(newest, Files.size(newest) / 2, 0x10);
        byte[] damaged = Files.readAllBytes(newest);
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
        }
        // kept as evidence, out of the way of the next snapshot at that index
        try (Stream<Path> aside = Files.list(snapshots().resolve("damaged"))) {
            List<Path> kept = aside.toList();
            assertThat(kept).hasSize(1);
            assertThat(Files.readAllBytes(kept.get(0))).isEqualTo(damaged);
        }
    }

    @Test
    void aTruncatedNewestSnapshotFallsBackOnThePreviousOneAndTheLog() throws Exception {
        Map<String, Map<String, String>> before = twoSnapshotsAndATail();
        Path newest = newestSnapshot();
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.setLength(f.length() / 3);
        }
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
        }
    }

    @Test
    void aDeletedNewestSnapshotFallsBackOnThePreviousOneAndTheLog() throws Exception {
        Map<String, Map<String, String>> before = twoSnapshotsAndATail();
        Files.delete(newestSnapshot());
        try (Node again = Node.open(dir)) {
            assertThat(again.state()).isEqualTo(before);
        }
    }

    @Test
    void aDamagedSnapshotWhoseLogIsGoneRefusesToStartAndDeletesNothing() throws Exception {
        twoSnapshotsAndATail();
        Path newest = newestSnapshot();
        flip(newest, Files.size(newest) / 2, 0x10);
        Files.delete(SegmentReader.list(oplog()).get(0));
        Map<String, Long> evidence = files();
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(RecoveryRefusedException.class)
                .hasMessageContaining("Refusing to start")
                .hasMessageContaining("NUN_RECOVERY_MODE=lenient");
        assertThat(files()).isEqualTo(evidence);
    }

    @Test
    void everySnapshotDeletedWithTheLogCompactedRefusesToStart() throws Exception {
        try (Node node = new Node(dir, SMALL, RecoveryMode.STRICT)) {
            node.createDb("a");
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 40; j++) {
                    node.put("a", "k" + j, "round " + i);
                }
                node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            }
            node.crash();
        }
        for (Path p : new SnapshotStore(snapshots()).list()) {
            Files.delete(p);
        }
        Map<String, Long> evidence = files();
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(RecoveryRefusedException.class)
                .hasMessageContaining("the op log starts at index");
        assertThat(files()).isEqualTo(evidence);
    }

    @Test
    void aBitFlipInTheLengthFieldOfARecordInAClosedSegmentStopsTheStart() throws Exception {
        writeSegments();
        List<Path> segments = SegmentReader.list(oplog());
        assertThat(segments).hasSizeGreaterThan(2);
        Path closed = segments.get(1);
        int offset = offsets(closed).get(2);
        flip(closed, offset + 1, 0x01); // length + 65536: runs past the end, looks like a torn write
        Map<String, Long> evidence = files();
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(closed.getFileName().toString())
                .hasMessageContaining("at offset " + offset)
                .hasMessageContaining("are lost");
        assertThat(files()).isEqualTo(evidence);
        // lenient mode starts with the data up to the damage, keeping the rest aside
        try (Node lenient = new Node(dir, SMALL, RecoveryMode.LENIENT)) {
            assertThat(lenient.databases.get("a").get("k0")).isNotNull();
        }
        assertThat(Files.list(dir.resolve("oplog-quarantine")).count()).isGreaterThan(0);
    }

    @Test
    void aBadChecksumInTheLastRecordOfAClosedSegmentStopsTheStart() throws Exception {
        writeSegments();
        Path closed = SegmentReader.list(oplog()).get(0);
        List<Integer> records = offsets(closed);
        int last = records.get(records.size() - 1);
        flip(closed, last + RecordCodec.HEADER_BYTES + 30, 0x04);
        Map<String, Long> evidence = files();
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(closed.getFileName().toString())
                .hasMessageContaining("at offset " + last);
        assertThat(files()).isEqualTo(evidence);
    }

    @Test
    void aBitFlipAtTheTailOfTheNewestSegmentIsStillCutAsTorn() throws Exception {
        Map<String, Map<String, String>> before = writeSegments();
        List<Path> segments = SegmentReader.list(oplog());
        Path newest = segments.get(segments.size() - 1);
        List<Integer> records = offsets(newest);
        int last = records.get(records.size() - 1);
        LogEntry lost = readAt(newest, last);
        flip(newest, Files.size(newest) - 2, 0x08);
        try (Node again = new Node(dir, SMALL, RecoveryMode.STRICT)) {
            Map<String, Map<String, String>> expected = new TreeMap<>(before);
            // the torn last record was a put of a new version: the key is back at its previous state
            assertThat(again.databases.get("a").get(lost.key()).version()).isEqualTo(lost.version() - 1);
            assertThat(again.state().keySet()).isEqualTo(expected.keySet());
        }
        assertThat(Files.size(newest)).isEqualTo(last);
    }

    @Test
    void aLengthFlipInTheMiddleOfTheNewestSegmentIsDamageNotATornTail() throws Exception {
        writeSegments();
        List<Path> segments = SegmentReader.list(oplog());
        Path newest = segments.get(segments.size() - 1);
        List<Integer> records = offsets(newest);
        assertThat(records).hasSizeGreaterThan(2);
        int offset = records.get(0);
        flip(newest, offset + 1, 0x01);
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("valid record after it");
    }

    @Test
    void staleTempFilesAreRemovedAtStart() throws Exception {
        twoSnapshotsAndATail();
        Path stale = snapshots().resolve("snapshot-00000000000000000500.snap.tmp");
        Files.writeString(stale, "half a snapshot");
        Path receiving = snapshots().resolve("snapshot-00000000000000000600.snap.receiving.tmp");
        Files.writeString(receiving, "half a transfer");
        try (Node again = Node.open(dir)) {
            assertThat(stale).doesNotExist();
            assertThat(receiving).doesNotExist();
        }
    }

    @Test
    void anOplogThatIsAFileRefusesToStart() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(oplog(), "not a directory");
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(RecoveryRefusedException.class)
                .hasMessageContaining("is a file, not a directory");
        assertThat(Files.readString(oplog())).isEqualTo("not a directory");
    }

    @Test
    void recordsOfADatabaseNeverCreatedStopAStrictStart() throws Exception {
        OpLog log = new OpLog(oplog(), OpLogOptions.defaults());
        log.start(0, List.of());
        log.append(LogEntry.createDb("a", "tok", "newer")).get(5, TimeUnit.SECONDS);
        log.append(LogEntry.put("a", "k", 0, "v")).get(5, TimeUnit.SECONDS);
        log.append(LogEntry.put("ghost", "k", 0, "v")).get(5, TimeUnit.SECONDS);
        log.close();
        assertThatThrownBy(() -> Node.open(dir))
                .isInstanceOf(RecoveryRefusedException.class)
                .hasMessageContaining("never created")
                .hasMessageContaining("ghost");
        try (Node lenient = new Node(dir, OpLogOptions.defaults(), RecoveryMode.LENIENT)) {
            assertThat(lenient.databases.get("a").get("k").value()).isEqualTo("v");
            assertThat(lenient.databases.exists("ghost")).isFalse();
        }
    }

    private static LogEntry readAt(Path segment, int offset) throws IOException {
        return RecordCodec.decode(SegmentReader.map(segment), offset).record();
    }

    /** Several segments with no snapshot; returns the state at the crash. */
    private Map<String, Map<String, String>> writeSegments() throws Exception {
        try (Node node = new Node(dir, SMALL, RecoveryMode.STRICT)) {
            node.createDb("a");
            for (int i = 0; i < 80; i++) {
                node.put("a", "k" + (i % 20), "value " + i);
            }
            Map<String, Map<String, String>> state = node.state();
            node.crash();
            return state;
        }
    }
}
