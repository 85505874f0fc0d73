package io.nundb.storage.snapshot;

import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.oplog.RecordCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files: the whole store as op-log records (one create-db per database, then one put or
 * remove per key), framed like the op log.
 *
 * <pre>
 * "NUNSNAP1" · u64 index · records… · "NUNSEND1" · u64 record count
 * </pre>
 *
 * {@code index} is the last op-log index assigned when the snapshot started: replaying the records
 * after it on top of the snapshot gives the current state, because every record carries the full
 * resulting state of its key and replay is idempotent. A file is only valid with its footer; it is
 * written to a temp name, fsynced and renamed, so a crash never leaves a half snapshot under a
 * valid name.
 */
public final class SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

    static final byte[] MAGIC = "NUNSNAP1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "NUNSEND1".getBytes(StandardCharsets.US_ASCII);
    static final String PREFIX = "snapshot-";
    static final String SUFFIX = ".snap";

    private final Path dir;
    // files larger than this are streamed instead of mapped (a mapping holds at most 2 GB)
    private final long mapLimit;

    public SnapshotStore(Path dir) {
        this(dir, Integer.MAX_VALUE);
    }

    SnapshotStore(Path dir, long mapLimit) {
        this.dir = dir;
        this.mapLimit = mapLimit;
    }

    public Path directory() {
        return dir;
    }

    /**
     * What a snapshot holds.
     *
     * @param file where it is
     * @param index last op-log index it covers
     * @param databases databases in it
     * @param records records in it (create-db records included)
     * @param bytes file size
     * @param millis time taken to write or load it
     */
    public record SnapshotInfo(Path file, long index, int databases, long records, long bytes, long millis) {}

    static String fileName(long index) {
        return String.format(Locale.ROOT, "%s%020d%s", PREFIX, index, SUFFIX);
    }

    static long indexOf(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The store's state as records, ready for {@link #write(long, Consumer)}. */
    public static Consumer<Consumer<LogEntry>> stateOf(Databases databases, boolean reclaim) {
        return out -> {
            for (Database db : databases.all()) {
                if (Databases.ADMIN_DB.equals(db.name())) {
                    continue; // rebuilt at every start from the admin password and the database list
                }
                VersionedValue token = db.get(Database.TOKEN_KEY);
                out.accept(LogEntry.createDb(
                        db.name(),
                        token == null ? "" : token.value(),
                        db.strategy().word()));
                List<String> purge = reclaim ? new ArrayList<>() : null;
                db.forEachEntry((key, value) -> {
                    if (Database.TOKEN_KEY.equals(key) || Database.CONNECTIONS_KEY.equals(key)) {
                        return;
                    }
                    if (value.deleted()) {
                        if (reclaim) {
                            purge.add(key);
                        } else {
                            out.accept(LogEntry.remove(db.name(), key, value.version()));
                        }
                    } else {
                        out.accept(LogEntry.put(db.name(), key, value.version(), value.value()));
                    }
                });
                if (purge != null) {
                    purge.forEach(db::purgeTombstone);
                }
            }
        };
    }

    /** Writes a snapshot of {@code databases} covering {@code index}. */
    public SnapshotInfo write(Databases databases, long index, boolean reclaim) throws IOException {
        return write(index, stateOf(databases, reclaim));
    }

    /** Writes the records {@code producer} hands out as the snapshot for {@code index}. */
    public SnapshotInfo write(long index, Consumer<Consumer<LogEntry>> producer) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        Path target = dir.resolve(fileName(index));
        Path tmp = dir.resolve(fileName(index) + ".tmp");
        long[] counts = new long[2];
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                OutputStream out = new BufferedOutputStream(fos, 1 << 20)) {
            ByteBuffer head = ByteBuffer.allocate(16).put(MAGIC).putLong(index);
            out.write(head.array());
            WriteSink sink = new WriteSink(out, counts);
            producer.accept(sink);
            if (sink.error != null) {
                throw sink.error;
            }
            ByteBuffer foot = ByteBuffer.allocate(16).put(END).putLong(counts[0]);
            out.write(foot.array());
            out.flush();
            fos.getChannel().force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
        long bytes = Files.size(target);
        return new SnapshotInfo(target, index, (int) counts[1], counts[0], bytes, (System.nanoTime() - t0) / 1_000_000);
    }

    private static final class WriteSink implements Consumer<LogEntry> {
        private final OutputStream out;
        private final long[] counts;
        IOException error;

        WriteSink(OutputStream out, long[] counts) {
            this.out = out;
            this.counts = counts;
        }

        @Override
        public void accept(LogEntry r) {
            if (error != null) {
                return;
            }
            try {
                out.write(RecordCodec.encode(r));
                counts[0]++;
                if (r.type() == io.nundb.storage.OpType.CREATE_DB) {
                    counts[1]++;
                }
            } catch (IOException e) {
                error = e;
            }
        }
    }

    /** Snapshot files, newest first (temp files are ignored). */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> indexOf(p.getFileName().toString()) >= 0).forEach(files::add);
        }
        files.sort((a, b) -> Long.compare(
                indexOf(b.getFileName().toString()), indexOf(a.getFileName().toString())));
        return files;
    }

    /**
     * Loads the newest valid snapshot into {@code sink}; an invalid one is reported and the next
     * older one tried. Returns null when there is none.
     */
    public SnapshotInfo loadNewest(Consumer<LogEntry> sink) throws IOException {
        for (Path file : list()) {
            long t0 = System.nanoTime();
            if (Files.size(file) > mapLimit) {
                SnapshotInfo streamed = loadStreaming(file, sink, t0);
                if (streamed == null) {
                    continue;
                }
                return streamed;
            }
            ByteBuffer in = io.nundb.storage.oplog.SegmentReader.map(file);
            String problem = validate(in);
            if (problem != null) {
                log.warn("Ignoring invalid snapshot {}: {}", file, problem);
                continue;
            }
            long index = in.getLong(8);
            int end = in.limit() - 16;
            ByteBuffer body = in.duplicate().limit(end);
            int offset = 16;
            long records = 0;
            int dbs = 0;
            while (offset < end) {
                RecordCodec.Decoded d = RecordCodec.decode(body, offset, true, false);
                if (d.kind() != RecordCodec.Decoded.Kind.OK) {
                    throw new IOException("snapshot " + file + " unreadable at offset " + offset + ": " + d.reason());
                }
                sink.accept(d.record());
                records++;
                if (d.record().type() == io.nundb.storage.OpType.CREATE_DB) {
                    dbs++;
                }
                offset = d.next();
            }
            return new SnapshotInfo(file, index, dbs, records, in.limit(), (System.nanoTime() - t0) / 1_000_000);
        }
        return null;
    }

    private static SnapshotInfo loadStreaming(Path file, Consumer<LogEntry> sink, long t0) throws IOException {
        long[] counts = new long[3];
        String problem = stream(file, null, counts);
        if (problem != null) {
            log.warn("Ignoring invalid snapshot {}: {}", file, problem);
            return null;
        }
        problem = stream(file, sink, counts);
        if (problem != null) {
            throw new IOException("snapshot " + file + " changed while loading: " + problem);
        }
        return new SnapshotInfo(
                file, counts[0], (int) counts[2], counts[1], Files.size(file), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Walks a snapshot of any size record by record; null when it is sound, else what is wrong.
     * Without a sink it checks checksums; with one it hands the records over (already checked).
     * {@code out}: index, records, databases.
     */
    static String stream(Path file, Consumer<LogEntry> sink, long[] out) throws IOException {
        long size = Files.size(file);
        if (size < 32) {
            return "too short (" + size + " bytes)";
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                return "not a snapshot file";
            }
            out[0] = in.readLong();
            long end = size - 16;
            long pos = 16;
            long count = 0;
            long dbs = 0;
            byte[] buf = new byte[64 * 1024];
            while (pos < end) {
                if (end - pos < RecordCodec.HEADER_BYTES) {
                    return "bad record at offset " + pos + ": incomplete header";
                }
                int length = in.readInt();
                int checksum = in.readInt();
                if (length < 0 || length > RecordCodec.MAX_PAYLOAD_BYTES || pos + 8 + length > end) {
                    return "bad record at offset " + pos + ": impossible length " + length;
                }
                if (buf.length < 8 + length) {
                    buf = new byte[Math.max(8 + length, buf.length * 2)];
                }
                ByteBuffer.wrap(buf).putInt(0, length).putInt(4, checksum);
                in.readFully(buf, 8, length);
                RecordCodec.Decoded d =
                        RecordCodec.decode(ByteBuffer.wrap(buf, 0, 8 + length), 0, sink != null, sink == null);
                if (d.kind() != RecordCodec.Decoded.Kind.OK) {
                    return "bad record at offset " + pos + ": " + d.reason();
                }
                if (sink != null) {
                    sink.accept(d.record());
                    if (d.record().type() == io.nundb.storage.OpType.CREATE_DB) {
                        dbs++;
                    }
                }
                count++;
                pos += 8 + length;
            }
            byte[] end8 = new byte[8];
            in.readFully(end8);
            if (!Arrays.equals(end8, END)) {
                return "no end marker (incomplete write)";
            }
            long expected = in.readLong();
            out[1] = count;
            out[2] = dbs;
            return count == expected ? null : "holds " + count + " records, footer says " + expected;
        }
    }

    /** Null when {@code bytes} is a complete snapshot with sound records, else what is wrong. */
    static String validate(ByteBuffer file) {
        int length = file.limit();
        if (length < 32) {
            return "too short (" + length + " bytes)";
        }
        if (!Arrays.equals(bytesAt(file, 0), MAGIC)) {
            return "not a snapshot file";
        }
        int end = length - 16;
        if (!Arrays.equals(bytesAt(file, end), END)) {
            return "no end marker (incomplete write)";
        }
        ByteBuffer in = file.duplicate().limit(end);
        long expected = file.getLong(end + 8);
        long count = 0;
        int offset = 16;
        while (offset < end) {
            RecordCodec.Decoded d = RecordCodec.decode(in, offset, false);
            if (d.kind() != RecordCodec.Decoded.Kind.OK) {
                return "bad record at offset " + offset + ": " + d.reason();
            }
            count++;
            offset = d.next();
        }
        return count == expected ? null : "holds " + count + " records, footer says " + expected;
    }

    private static byte[] bytesAt(ByteBuffer b, int at) {
        byte[] out = new byte[8];
        b.get(at, out);
        return out;
    }

    /** Deletes snapshots older than {@code index} and leftover temp files. */
    public void deleteOlderThan(long index) {
        try {
            for (Path p : list()) {
                if (indexOf(p.getFileName().toString()) < index) {
                    Files.deleteIfExists(p);
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                        .toList()) {
                    if (indexOf(p.getFileName().toString().replace(".tmp", "")) < index) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("Could not delete old snapshots in {}: {}", dir, e.toString());
        }
    }

    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("fsync of directory {} not supported: {}", dir, e.toString());
        }
    }
}
