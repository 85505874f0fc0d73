package io.nundb.storage.oplog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class OpLogTest {

    @TempDir
    Path dir;

    static List<LogEntry> readAll(Path logDir) throws IOException {
        List<LogEntry> out = new ArrayList<>();
        for (Path f : SegmentReader.list(logDir)) {
            SegmentReader.Scan scan = SegmentReader.scan(f, out::add);
            if (scan.stop() != null) { // an open segment ends in preallocated zeros
                assertThat(scan.stop().reason()).as("%s", f).startsWith("zero-filled");
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void acknowledgesWithIncreasingIndexesOnceWritten(FsyncPolicy policy) throws Exception {
        OpLog log = new OpLog(dir, OpLogOptions.defaults().withFsync(policy));
        log.start(41, List.of());
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            acks.add(log.append(LogEntry.put("db", "k" + i, i, "v" + i)));
        }
        for (int i = 0; i < acks.size(); i++) {
            assertThat(acks.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(42L + i);
        }
        List<LogEntry> onDisk = readAll(dir);
        assertThat(onDisk).hasSize(500);
        assertThat(onDisk.get(499)).isEqualTo(new LogEntry(541, 0, OpType.PUT, "db", "k499", 499, "v499"));
        assertThat(log.totalRecords()).isEqualTo(500);
        log.close();
        assertThat(log.totalBytes())
                .isEqualTo(Files.size(SegmentReader.list(dir).get(0)));
        assertThatThrownBy(() -> log.append(LogEntry.put("db", "late", 0, "x")).get())
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void rollsSegmentsAtTheSizeLimitAndDropsCoveredOnes() throws Exception {
        OpLog log = new OpLog(dir, OpLogOptions.defaults().withSegmentBytes(1000));
        log.start(0, List.of());
        for (int i = 0; i < 200; i++) {
            log.append(LogEntry.put("db", "key-" + i, i, "0123456789")).get(5, TimeUnit.SECONDS);
        }
        List<Path> files = SegmentReader.list(dir);
        assertThat(files).hasSizeGreaterThan(5);
        for (Path f : files.subList(0, files.size() - 1)) {
            assertThat(Files.size(f)).isBetween(1000L, 1100L);
        }
        List<LogEntry> all = readAll(dir);
        assertThat(all)
                .extracting(LogEntry::index)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
        // every segment's name bounds its records
        for (Path f : files) {
            long first = Segment.firstIndexOf(f.getFileName().toString());
            SegmentReader.scan(f, r -> assertThat(r.index()).isGreaterThanOrEqualTo(first));
        }
        int before = files.size();
        int dropped = log.dropCoveredBy(100);
        assertThat(dropped).isPositive();
        List<LogEntry> left = readAll(dir);
        assertThat(left.get(0).index()).isLessThanOrEqualTo(101);
        assertThat(left.get(left.size() - 1).index()).isEqualTo(200);
        assertThat(SegmentReader.list(dir)).hasSize(before - dropped);
        log.close();
    }

    @Test
    void signalsWhenTheLogPassesItsSizeLimit() throws Exception {
        OpLog log = new OpLog(dir, OpLogOptions.defaults().withSegmentBytes(500).withMaxLogBytes(2000));
        AtomicInteger signals = new AtomicInteger();
        log.onSizeExceeded(signals::incrementAndGet);
        log.start(0, List.of());
        for (int i = 0; i < 100; i++) {
            log.append(LogEntry.put("db", "key-" + i, i, "0123456789")).get(5, TimeUnit.SECONDS);
        }
        assertThat(signals.get()).isPositive();
        log.close();
    }

    @Test
    void anUnusableDirectoryFailsWritesAndSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        OpLog log = new OpLog(file.resolve("oplog"), OpLogOptions.defaults());
        log.start(0, List.of());
        CompletableFuture<Long> ack = log.append(LogEntry.put("db", "k", 0, "v"));
        assertThatThrownBy(() -> ack.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class)
                .cause()
                .hasMessageContaining("cannot open op-log segment");
        assertThat(log.health().writable()).isFalse();
        assertThat(log.health().problem()).contains("not-a-dir");
        log.close();
    }

    @Test
    void aFailedWriteIsNotAcknowledgedLeavesNoGarbageAndTheLogCarriesOn() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean();
        SegmentChannel.Opener flaky = path -> new DelegatingChannel(SegmentChannel.FILES.open(path)) {
            @Override
            public void writeFully(ByteBuffer buffer) throws IOException {
                if (diskFull.get()) {
                    // half the batch reaches the file, as on a full disk
                    ByteBuffer half = buffer.duplicate().limit(buffer.position() + buffer.remaining() / 2);
                    super.writeFully(half);
                    throw new IOException("No space left on device");
                }
                super.writeFully(buffer);
            }
        };
        OpLog log = new OpLog(dir, OpLogOptions.defaults(), flaky);
        log.start(0, List.of());
        log.append(LogEntry.put("db", "a", 0, "1")).get(5, TimeUnit.SECONDS);
        diskFull.set(true);
        CompletableFuture<Long> lost = log.append(LogEntry.put("db", "b", 0, "2"));
        assertThatThrownBy(() -> lost.get(5, TimeUnit.SECONDS)).hasMessageContaining("No space left on device");
        assertThat(log.health().writable()).isFalse();
        diskFull.set(false);
        // the failed record's index is taken back: no hole
        assertThat(log.append(LogEntry.put("db", "c", 0, "3")).get(5, TimeUnit.SECONDS))
                .isEqualTo(2L);
        assertThat(log.health().writable()).isTrue();
        log.close();
        assertThat(readAll(dir)).extracting(LogEntry::key).containsExactly("a", "c");
        assertThat(readAll(dir)).extracting(LogEntry::index).containsExactly(1L, 2L);
    }

    @Test
    void intervalPolicyForcesInTheBackground() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        SegmentChannel.Opener counting = path -> new DelegatingChannel(SegmentChannel.FILES.open(path)) {
            @Override
            public void force() throws IOException {
                forces.incrementAndGet();
                super.force();
            }
        };
        OpLog log = new OpLog(
                dir, new OpLogOptions(FsyncPolicy.INTERVAL, Duration.ofMillis(20), 1 << 20, 1 << 30), counting);
        log.start(0, List.of());
        log.append(LogEntry.put("db", "a", 0, "1")).get(5, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> forces.get() >= 1);
        log.close();
    }
}
