package io.nundb.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.oplog.RecordCodec;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots with terms, the old format, and a snapshot shipped to another node and installed. */
@Timeout(30)
class SnapshotShippingTest {

    @TempDir
    Path dir;

    @Test
    void aSnapshotRecordsTheTermOfItsLastEntry() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        SnapshotStore.SnapshotInfo written = store.write(12, 5, out -> {
            out.accept(LogEntry.createDb("a", "tok", "newer"));
            out.accept(LogEntry.put("a", "k", 3, "v"));
        });
        assertThat(written.term()).isEqualTo(5);
        List<LogEntry> back = new ArrayList<>();
        SnapshotStore.SnapshotInfo loaded = store.load(written.file(), back::add);
        assertThat(loaded.index()).isEqualTo(12);
        assertThat(loaded.term()).isEqualTo(5);
        assertThat(back).hasSize(2);
        // the streaming path (files too large to map) reads the same
        List<LogEntry> streamed = new ArrayList<>();
        SnapshotStore.SnapshotInfo viaStream = new SnapshotStore(dir, 0).load(written.file(), streamed::add);
        assertThat(viaStream.term()).isEqualTo(5);
        assertThat(streamed).isEqualTo(back);
        // one flipped byte anywhere, even in the header's term, fails the file checksum
        byte[] bytes = Files.readAllBytes(written.file());
        bytes[20] ^= 0x01;
        Files.write(written.file(), bytes);
        assertThat(store.check(written.file())).contains("checksum");
        assertThat(new SnapshotStore(dir, 0).check(written.file())).contains("checksum");
        assertThatThrownBy(() -> store.load(written.file(), r -> {}))
                .isInstanceOf(SnapshotStore.InvalidSnapshotException.class);
    }

    @Test
    void theFormatBeforeTermsIsStillReadAsTermZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(16)
                .put("NUNSNAP1".getBytes(StandardCharsets.US_ASCII))
                .putLong(7)
                .array());
        out.write(RecordCodec.encode(LogEntry.createDb("a", "tok", "newer")));
        out.write(RecordCodec.encode(LogEntry.put("a", "k", 1, "v")));
        out.write(ByteBuffer.allocate(16)
                .put("NUNSEND1".getBytes(StandardCharsets.US_ASCII))
                .putLong(2)
                .array());
        Files.createDirectories(dir);
        Path file = dir.resolve("snapshot-00000000000000000007.snap");
        Files.write(file, out.toByteArray());
        for (SnapshotStore store : List.of(new SnapshotStore(dir), new SnapshotStore(dir, 0))) {
            List<LogEntry> back = new ArrayList<>();
            SnapshotStore.SnapshotInfo info = store.load(file, back::add);
            assertThat(info.index()).isEqualTo(7);
            assertThat(info.term()).isZero();
            assertThat(back).extracting(LogEntry::key).containsExactly("tok", "k");
        }
    }

    @Test
    void theSnapshotterStampsTheTermAndRecoveryReportsIt() throws Exception {
        long index;
        try (Node node = Node.open(dir)) {
            node.opLog.beginTerm(4, true);
            node.createDb("a");
            node.put("a", "k", "v");
            SnapshotStore.SnapshotInfo info = node.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            index = info.index();
            assertThat(info.term()).isEqualTo(4);
            node.crash();
        }
        try (Node again = Node.open(dir)) {
            assertThat(again.recovery.snapshotIndex()).isEqualTo(index);
            assertThat(again.recovery.snapshotTerm()).isEqualTo(4);
            assertThat(again.opLog.termAt(index)).isEqualTo(4);
            assertThat(again.opLog.currentTerm()).isEqualTo(4);
        }
    }

    @Test
    void aSnapshotShippedInChunksIsVerifiedInstalledAndSurvivesARestart() throws Exception {
        Path leaderDir = dir.resolve("leader");
        Path followerDir = dir.resolve("follower");
        Map<String, Map<String, String>> leaderState;
        long index;
        long term = 3;
        try (Node leader = Node.open(leaderDir)) {
            leader.opLog.beginTerm(term, true);
            leader.createDb("a");
            leader.createDb("b");
            for (int i = 0; i < 300; i++) {
                leader.put(i % 2 == 0 ? "a" : "b", "k" + (i % 40), "value " + i);
            }
            index = leader.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS).index();
            leaderState = leader.state();
            leader.crash();
        }
        // a follower with a divergent history that went further than the leader's snapshot
        try (Node follower = Node.open(followerDir)) {
            follower.createDb("stale");
            for (int i = 0; i < 400; i++) {
                follower.put("stale", "x" + i, "old");
            }
            follower.snapshotter.snapshot(false).get(10, TimeUnit.SECONDS);
            follower.crash();
        }
        try (Node follower = Node.open(followerDir);
                SnapshotSource source = new SnapshotStore(leaderDir.resolve("snapshots")).openNewest()) {
            assertThat(source.index()).isEqualTo(index);
            assertThat(source.term()).isEqualTo(term);
            follower.opLog.beginTerm(term, false);
            try (SnapshotReceiver receiver = follower.snapshots.receive(source.index(), source.term())) {
                long offset = 0;
                while (offset < source.size()) {
                    byte[] chunk = source.chunk(offset, 1000);
                    receiver.write(offset, chunk);
                    receiver.write(offset, chunk); // a retransmission changes nothing
                    offset += chunk.length;
                }
                assertThat(receiver.received()).isEqualTo(source.size());
                assertThatThrownBy(() -> receiver.write(source.size() + 10, new byte[1]))
                        .hasMessageContaining("gap");
                receiver.install();
            }
            follower.opLog.resetAfterSnapshot(index, term);
            assertThat(follower.opLog.lastIndex()).isEqualTo(index);
            // the lead rebuilds memory from the installed file
            Databases rebuilt = Databases.inMemory("admin-pwd");
            follower.snapshots.load(follower.snapshots.list().get(0), rebuilt.stateMachine()::apply);
            assertThat(Node.state(rebuilt)).isEqualTo(leaderState);
            assertThat(Files.list(followerDir.resolve("snapshots").resolve("superseded")))
                    .hasSize(1);
            follower.crash();
        }
        try (Node restarted = Node.open(followerDir)) {
            assertThat(restarted.state()).isEqualTo(leaderState);
            assertThat(restarted.opLog.lastIndex()).isEqualTo(index);
            assertThat(restarted.opLog.termAt(index)).isEqualTo(term);
            assertThat(restarted.recovery.snapshotTerm()).isEqualTo(term);
        }
    }

    @Test
    void aDamagedOrMismatchedTransferIsRefusedAndLeavesNothingBehind() throws Exception {
        SnapshotStore leader = new SnapshotStore(dir.resolve("leader"));
        leader.write(9, 2, out -> out.accept(LogEntry.createDb("a", "tok", "newer")));
        SnapshotStore follower = new SnapshotStore(dir.resolve("follower"));
        try (SnapshotSource source = leader.openNewest()) {
            byte[] all;
            try (InputStream in = source.inputStream()) {
                all = in.readAllBytes();
            }
            assertThat(all).hasSize((int) source.size());
            byte[] flipped = all.clone();
            flipped[30] ^= 0x40;
            try (SnapshotReceiver r = follower.receive(9, 2)) {
                r.write(0, flipped);
                assertThatThrownBy(r::install).isInstanceOf(SnapshotStore.InvalidSnapshotException.class);
            }
            try (SnapshotReceiver r = follower.receive(9, 3)) {
                r.write(0, all);
                assertThatThrownBy(r::install).hasMessageContaining("expected index 9 term 3");
            }
            try (SnapshotReceiver r = follower.receive(9, 2)) {
                r.write(0, java.util.Arrays.copyOf(all, 20)); // abandoned half way
            }
        }
        assertThat(follower.list()).isEmpty();
        try (var files = Files.list(dir.resolve("follower"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(new SnapshotStore(dir.resolve("empty")).openNewest()).isNull();
    }
}
