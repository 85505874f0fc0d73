package io.nundb.storage.oplog;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static final LogEntry A =
            new LogEntry(7, 3, OpType.PUT, "db-é", "key 1", 42, "value with spaces; and ü 💥");
    private static final LogEntry B = new LogEntry(8, 3, OpType.REMOVE, "db", "k", 5, "");
    private static final LogEntry C = new LogEntry(9, 0, OpType.CREATE_DB, "new-db", "token", 0, "arbiter");

    private static ByteBuffer concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.flip();
    }

    @Test
    void roundTripsEveryField() {
        ByteBuffer in = concat(RecordCodec.encode(A), RecordCodec.encode(B), RecordCodec.encode(C));
        RecordCodec.Decoded a = RecordCodec.decode(in, 0);
        RecordCodec.Decoded b = RecordCodec.decode(in, a.next());
        RecordCodec.Decoded c = RecordCodec.decode(in, b.next());
        assertThat(a.record()).isEqualTo(A);
        assertThat(b.record()).isEqualTo(B);
        assertThat(c.record()).isEqualTo(C);
        assertThat(c.next()).isEqualTo(in.limit());
    }

    @Test
    void encodesInPlaceAtTheBuffersPositionAsTheWriterBatchesThem() {
        for (LogEntry e : new LogEntry[] {A, B, C}) {
            int size = RecordCodec.encodedSize(e);
            ByteBuffer out = ByteBuffer.allocate(size + 3);
            out.put(new byte[3]); // not at the start of the buffer, as in a batch
            RecordCodec.encode(e, out);
            assertThat(out.position()).isEqualTo(out.capacity());
            assertThat(out.getInt(3)).isEqualTo(size - RecordCodec.HEADER_BYTES);
            RecordCodec.Decoded d = RecordCodec.decode(out.flip(), 3);
            assertThat(d.record()).isEqualTo(e);
            assertThat(d.next()).isEqualTo(size + 3);
        }
        // multi-byte UTF-8 is counted in bytes: "é" takes 2
        assertThat(RecordCodec.encodedSize(new LogEntry(1, 1, OpType.PUT, "é", "", 0, "")))
                .isEqualTo(RecordCodec.encodedSize(new LogEntry(1, 1, OpType.PUT, "ab", "", 0, "")));
    }

    @Test
    void aRecordCutShortIsTorn() {
        byte[] whole = RecordCodec.encode(A);
        for (int cut = 1; cut < whole.length; cut++) {
            ByteBuffer in = concat(RecordCodec.encode(B), Arrays.copyOf(whole, cut));
            RecordCodec.Decoded first = RecordCodec.decode(in, 0);
            RecordCodec.Decoded d = RecordCodec.decode(in, first.next());
            assertThat(d.kind()).as("cut at %d", cut).isEqualTo(RecordCodec.Decoded.Kind.TORN);
            assertThat(d.offset()).isEqualTo(first.next());
        }
    }

    @Test
    void aZeroFilledTailIsTorn() {
        ByteBuffer in = concat(RecordCodec.encode(B), new byte[100]);
        RecordCodec.Decoded d = RecordCodec.decode(in, RecordCodec.decode(in, 0).next());
        assertThat(d.kind()).isEqualTo(RecordCodec.Decoded.Kind.TORN);
    }

    @Test
    void aDamagedRecordFollowedByDataIsCorrupt() {
        byte[] damaged = RecordCodec.encode(A);
        damaged[damaged.length - 3] ^= 0x40;
        ByteBuffer in = concat(RecordCodec.encode(B), damaged, RecordCodec.encode(C));
        int offset = RecordCodec.decode(in, 0).next();
        RecordCodec.Decoded d = RecordCodec.decode(in, offset);
        assertThat(d.kind()).isEqualTo(RecordCodec.Decoded.Kind.CORRUPT);
        assertThat(d.offset()).isEqualTo(offset);
        assertThat(d.reason()).contains("checksum");
    }

    @Test
    void aDamagedLastRecordIsTornNotCorrupt() {
        byte[] damaged = RecordCodec.encode(A);
        damaged[20] ^= 0x01;
        ByteBuffer in = concat(RecordCodec.encode(B), damaged);
        RecordCodec.Decoded d = RecordCodec.decode(in, RecordCodec.decode(in, 0).next());
        assertThat(d.kind()).isEqualTo(RecordCodec.Decoded.Kind.TORN);
    }

    @Test
    void anImpossibleLengthInTheMiddleIsCorrupt() {
        byte[] bad = RecordCodec.encode(B);
        ByteBuffer.wrap(bad).putInt(0, -5);
        ByteBuffer in = concat(bad, RecordCodec.encode(C));
        assertThat(RecordCodec.decode(in, 0).kind()).isEqualTo(RecordCodec.Decoded.Kind.CORRUPT);
    }
}
