package io.nundb.storage.oplog;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One op-log segment file, named after the first index it may hold, so that the next segment's
 * name bounds the indexes in this one.
 */
public final class Segment {

    static final String PREFIX = "segment-";
    static final String SUFFIX = ".log";

    private final Path path;
    private final long firstIndex;
    private volatile long bytes;
    private volatile long records;

    Segment(Path path, long firstIndex, long bytes, long records) {
        this.path = path;
        this.firstIndex = firstIndex;
        this.bytes = bytes;
        this.records = records;
    }

    public static String fileName(long firstIndex) {
        return String.format(Locale.ROOT, "%s%020d%s", PREFIX, firstIndex, SUFFIX);
    }

    /** The first index of a segment file name, or -1 when the name is not one of ours. */
    public static long firstIndexOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static Segment existing(Path path, long bytes, long records) {
        return new Segment(path, firstIndexOf(path.getFileName().toString()), bytes, records);
    }

    public Path path() {
        return path;
    }

    public long firstIndex() {
        return firstIndex;
    }

    public long bytes() {
        return bytes;
    }

    public long records() {
        return records;
    }

    void grew(long addedBytes, long addedRecords) {
        bytes += addedBytes;
        records += addedRecords;
    }

    void resized(long newBytes, long newRecords) {
        bytes = newBytes;
        records = newRecords;
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + bytes + " bytes, " + records + " records)";
    }
}
