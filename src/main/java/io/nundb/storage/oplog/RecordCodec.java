package io.nundb.storage.oplog;

import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The binary form of one {@link LogEntry}, shared by op-log segments and snapshots.
 *
 * <pre>
 * u32 length (of the payload) · u32 CRC32C (of the payload) · payload
 * payload: i64 index · i64 term · u8 type · i32 version · i32 len + db · i32 len + key · i32 len + value
 * </pre>
 *
 * Big-endian; strings are UTF-8.
 */
public final class RecordCodec {

    /** Length and checksum in front of every payload. */
    public static final int HEADER_BYTES = 8;

    /** index, term, type, version and three string lengths. */
    static final int FIXED_PAYLOAD_BYTES = 8 + 8 + 1 + 4 + 4 + 4 + 4;

    /** A payload larger than this is taken for garbage rather than allocated. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

    private RecordCodec() {}

    /** Bytes {@code record} takes once encoded, header included; no copy of its strings for ASCII ones. */
    public static int encodedSize(LogEntry record) {
        return HEADER_BYTES
                + FIXED_PAYLOAD_BYTES
                + utf8Length(record.db())
                + utf8Length(record.key())
                + utf8Length(record.value());
    }

    /**
     * Appends {@code record} to {@code out}, which must have room for {@link #encodedSize(LogEntry)}.
     * ASCII strings (the usual keys and values) go straight into the buffer: the op-log writer
     * encodes every write, and a byte array per field was a tenth of the server's garbage.
     */
    public static void encode(LogEntry record, ByteBuffer out) {
        int start = out.position();
        out.putInt(0); // payload length, filled in below
        out.putInt(0); // checksum, filled in below
        int payloadStart = out.position();
        out.putLong(record.index());
        out.putLong(record.term());
        out.put(record.type().code());
        out.putInt(record.version());
        putString(record.db(), out);
        putString(record.key(), out);
        putString(record.value(), out);
        int payloadLength = out.position() - payloadStart;
        out.putInt(start, payloadLength);
        out.putInt(start + 4, checksum(out, payloadStart, payloadStart + payloadLength));
    }

    private static void putString(String s, ByteBuffer out) {
        if (s == null) {
            out.putInt(0);
        } else if (isAscii(s)) {
            int n = s.length();
            out.putInt(n);
            for (int i = 0; i < n; i++) {
                out.put((byte) s.charAt(i));
            }
        } else {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.putInt(b.length).put(b);
        }
    }

    private static int utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        return isAscii(s) ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Encodes one record into a fresh array (tests, small writes). */
    public static byte[] encode(LogEntry record) {
        ByteBuffer out = ByteBuffer.allocate(encodedSize(record));
        encode(record, out);
        return out.array();
    }

    /**
     * Reads the record that starts at {@code offset} of {@code in} (absolute positions, limit =
     * end of data).
     */
    public static Decoded decode(ByteBuffer in, int offset) {
        return decode(in, offset, true);
    }

    /** Like {@link #decode(ByteBuffer, int)}; without {@code materialize} only the framing and checksum are checked. */
    public static Decoded decode(ByteBuffer in, int offset, boolean materialize) {
        return decode(in, offset, materialize, true);
    }

    /**
     * Like {@link #decode(ByteBuffer, int, boolean)}; {@code verify=false} skips the checksum, for
     * data a previous pass has already checked.
     */
    public static Decoded decode(ByteBuffer in, int offset, boolean materialize, boolean verify) {
        int limit = in.limit();
        int remaining = limit - offset;
        if (remaining < HEADER_BYTES) {
            return Decoded.torn(offset, "incomplete record header (" + remaining + " bytes)");
        }
        int length = in.getInt(offset);
        int checksum = in.getInt(offset + 4);
        if (length == 0 && checksum == 0 && zerosFrom(in, offset)) {
            return Decoded.torn(offset, "zero-filled tail");
        }
        if (length < FIXED_PAYLOAD_BYTES || length > MAX_PAYLOAD_BYTES) {
            return zerosFrom(in, offset + 8)
                    ? Decoded.torn(offset, "garbage length " + length + " at the end")
                    : Decoded.corrupt(offset, "impossible record length " + length);
        }
        if ((long) offset + HEADER_BYTES + length > limit) {
            return Decoded.torn(offset, "record of " + length + " bytes cut short at " + remaining + " bytes");
        }
        int payloadStart = offset + HEADER_BYTES;
        int end = payloadStart + length;
        if (verify && checksum(in, payloadStart, end) != checksum) {
            return end == limit || zerosFrom(in, end)
                    ? Decoded.torn(offset, "checksum mismatch in the last record")
                    : Decoded.corrupt(offset, "checksum mismatch");
        }
        if (!materialize) {
            return Decoded.ok(null, offset, end);
        }
        try {
            ByteBuffer p = in.duplicate().position(payloadStart).limit(end);
            long index = p.getLong();
            long term = p.getLong();
            OpType type = OpType.fromCode(p.get());
            int version = p.getInt();
            String db = string(p);
            String key = string(p);
            String value = string(p);
            if (p.hasRemaining()) {
                return Decoded.corrupt(offset, "record has " + p.remaining() + " unexpected trailing bytes");
            }
            return Decoded.ok(new LogEntry(index, term, type, db, key, version, value), offset, end);
        } catch (RuntimeException e) {
            return Decoded.corrupt(offset, "undecodable record with a valid checksum: " + e.getMessage());
        }
    }

    private static int checksum(ByteBuffer in, int from, int to) {
        CRC32C crc = new CRC32C();
        if (in.hasArray()) {
            crc.update(in.array(), in.arrayOffset() + from, to - from);
        } else {
            crc.update(in.duplicate().position(from).limit(to));
        }
        return (int) crc.getValue();
    }

    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

    private static String string(ByteBuffer p) {
        int n = p.getInt();
        if (n < 0 || n > p.remaining()) {
            throw new IllegalArgumentException("string length " + n + " out of bounds");
        }
        if (p.hasArray()) {
            String s = new String(p.array(), p.arrayOffset() + p.position(), n, StandardCharsets.UTF_8);
            p.position(p.position() + n);
            return s;
        }
        // a mapped file: copy through a reused buffer rather than a fresh array per string
        byte[][] holder = SCRATCH.get();
        if (holder[0].length < n) {
            holder[0] = new byte[Math.max(n, holder[0].length * 2)];
        }
        p.get(holder[0], 0, n);
        return new String(holder[0], 0, n, StandardCharsets.UTF_8);
    }

    private static boolean zerosFrom(ByteBuffer in, int offset) {
        for (int i = offset; i < in.limit(); i++) {
            if (in.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The outcome of reading one record.
     *
     * @param record the record, when {@link Kind#OK}
     * @param offset where the record started
     * @param next where the next record starts, when {@link Kind#OK}
     * @param reason why it could not be read
     */
    public record Decoded(Kind kind, LogEntry record, int offset, int next, String reason) {

        public enum Kind {
            /** A whole, valid record. */
            OK,
            /** The data ends in the middle of a record: a write cut short by a crash. */
            TORN,
            /** A damaged record with valid data after it. */
            CORRUPT
        }

        static Decoded ok(LogEntry record, int offset, int next) {
            return new Decoded(Kind.OK, record, offset, next, null);
        }

        static Decoded torn(int offset, String reason) {
            return new Decoded(Kind.TORN, null, offset, -1, reason);
        }

        static Decoded corrupt(int offset, String reason) {
            return new Decoded(Kind.CORRUPT, null, offset, -1, reason);
        }
    }
}
