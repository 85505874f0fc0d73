package io.nundb.storage.oplog;

import io.nundb.storage.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Reads op-log segments back, telling a torn tail (crash mid-write) from a corrupt record. */
public final class SegmentReader {

    private SegmentReader() {}

    /**
     * What a scan of one segment found.
     *
     * @param records whole records read
     * @param validBytes length of the readable prefix
     * @param lastIndex index of the last record read (0 if none)
     * @param stop null when the file ended cleanly, else the torn or corrupt record
     */
    public record Scan(long records, long validBytes, long lastIndex, RecordCodec.Decoded stop) {

        public boolean torn() {
            return stop != null && stop.kind() == RecordCodec.Decoded.Kind.TORN;
        }

        public boolean corrupt() {
            return stop != null && stop.kind() == RecordCodec.Decoded.Kind.CORRUPT;
        }
    }

    /** The segment files of {@code dir} in index order (none when it does not exist). */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Segment.firstIndexOf(p.getFileName().toString()) >= 0).forEach(files::add);
        }
        files.sort((a, b) -> Long.compare(
                Segment.firstIndexOf(a.getFileName().toString()),
                Segment.firstIndexOf(b.getFileName().toString())));
        return files;
    }

    /** Maps {@code file} read-only (no copy on the heap); files over 2 GB are not supported. */
    public static ByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(file + " is larger than 2 GB");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    /**
     * Reads the records of {@code file} from byte {@code offset} (a record boundary) with positional
     * reads, which stay safe while the writer appends to the file or cuts it: records with an index
     * below {@code fromIndex} are skipped, those up to {@code upTo} added to {@code out} until it
     * holds {@code maxEntries} or {@code maxBytes} (estimated) would be passed. Stops at the end of
     * the readable data. Returns the offset after the last record consumed.
     */
    public static long read(
            Path file, long offset, long fromIndex, long upTo, int maxEntries, long maxBytes, List<LogEntry> out)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Window w = new Window(ch);
            long pos = offset;
            long budget = maxBytes;
            while (out.size() < maxEntries && w.ensure(pos, RecordCodec.HEADER_BYTES)) {
                int length = w.buf.getInt((int) (pos - w.start));
                if (length < RecordCodec.FIXED_PAYLOAD_BYTES
                        || length > RecordCodec.MAX_PAYLOAD_BYTES
                        || !w.ensure(pos, RecordCodec.HEADER_BYTES + length)) {
                    break;
                }
                RecordCodec.Decoded d = RecordCodec.decode(w.buf.duplicate().limit(w.length), (int) (pos - w.start));
                if (d.kind() != RecordCodec.Decoded.Kind.OK) {
                    break;
                }
                LogEntry e = d.record();
                if (e.index() > upTo) {
                    break;
                }
                if (e.index() >= fromIndex) {
                    long b = EntryCache.estimate(e);
                    if (!out.isEmpty() && b > budget) {
                        break;
                    }
                    budget -= b;
                    out.add(e);
                }
                pos += RecordCodec.HEADER_BYTES + length;
            }
            return pos;
        }
    }

    /** A buffer holding the file bytes [start, start + length). */
    private static final class Window {
        private final FileChannel ch;
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        long start;
        int length;

        Window(FileChannel ch) {
            this.ch = ch;
        }

        boolean ensure(long pos, int need) throws IOException {
            if (pos >= start && pos + need <= start + length) {
                return true;
            }
            if (need > buf.capacity()) {
                buf = ByteBuffer.allocate(need);
            }
            buf.clear();
            int n = 0;
            while (n < buf.capacity()) {
                int r = ch.read(buf, pos + n);
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            start = pos;
            length = n;
            return need <= n;
        }
    }

    /** Receives the index and term of each record by {@link #scanTerms}. */
    public interface TermSink {
        void accept(long index, long term);
    }

    /**
     * Hops over the records of {@code file} reading only their index and term (no checksum, no
     * strings): for rebuilding term runs at start, after recovery has checked the file.
     */
    public static void scanTerms(Path file, TermSink sink) throws IOException {
        ByteBuffer in = map(file);
        long offset = 0;
        while (offset + RecordCodec.HEADER_BYTES + 16 <= in.limit()) {
            int length = in.getInt((int) offset);
            if (length < RecordCodec.FIXED_PAYLOAD_BYTES || offset + RecordCodec.HEADER_BYTES + length > in.limit()) {
                return;
            }
            int payload = (int) offset + RecordCodec.HEADER_BYTES;
            sink.accept(in.getLong(payload), in.getLong(payload + 8));
            offset += RecordCodec.HEADER_BYTES + length;
        }
    }

    /**
     * Where the records after {@code index} start in {@code file} (the end of the readable data
     * when there are none), and how many records come before: {offset, records}.
     */
    public static long[] boundaryAfter(Path file, long index) throws IOException {
        long[] result = {0, 0};
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Window w = new Window(ch);
            long pos = 0;
            while (w.ensure(pos, RecordCodec.HEADER_BYTES + 8)) {
                int length = w.buf.getInt((int) (pos - w.start));
                if (length < RecordCodec.FIXED_PAYLOAD_BYTES || length > RecordCodec.MAX_PAYLOAD_BYTES) {
                    break;
                }
                long recordIndex = w.buf.getLong((int) (pos - w.start) + RecordCodec.HEADER_BYTES);
                if (recordIndex > index || !w.ensure(pos, RecordCodec.HEADER_BYTES + length)) {
                    break;
                }
                pos += RecordCodec.HEADER_BYTES + length;
                result[0] = pos;
                result[1]++;
            }
        }
        return result;
    }

    /**
     * The offset of a whole, valid record after {@code from} whose index follows {@code
     * afterIndex}, or -1: finding one past a record that looks torn proves that record is damaged in
     * the middle of the data rather than cut off at its end.
     */
    public static long validRecordAfter(Path file, long from, long afterIndex) throws IOException {
        ByteBuffer in = map(file);
        int limit = in.limit();
        for (long off = from + 1; off + RecordCodec.HEADER_BYTES + RecordCodec.FIXED_PAYLOAD_BYTES <= limit; off++) {
            int o = (int) off;
            int length = in.getInt(o);
            if (length < RecordCodec.FIXED_PAYLOAD_BYTES || length > limit - o - RecordCodec.HEADER_BYTES) {
                continue;
            }
            long index = in.getLong(o + RecordCodec.HEADER_BYTES);
            if (index <= afterIndex || index > afterIndex + 100_000_000L) {
                continue;
            }
            if (RecordCodec.decode(in, o, false).kind() == RecordCodec.Decoded.Kind.OK) {
                return off;
            }
        }
        return -1;
    }

    /** Hands every readable record of {@code file} to {@code sink}, in order, up to the first bad one. */
    public static Scan scan(Path file, Consumer<LogEntry> sink) throws IOException {
        ByteBuffer in = map(file);
        int offset = 0;
        long records = 0;
        long lastIndex = 0;
        while (offset < in.limit()) {
            RecordCodec.Decoded d = RecordCodec.decode(in, offset);
            if (d.kind() != RecordCodec.Decoded.Kind.OK) {
                return new Scan(records, offset, lastIndex, d);
            }
            sink.accept(d.record());
            records++;
            lastIndex = d.record().index();
            offset = d.next();
        }
        return new Scan(records, offset, lastIndex, null);
    }
}
