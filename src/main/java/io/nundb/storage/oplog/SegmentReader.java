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
