package io.nundb.storage.snapshot;

import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.PrivateFiles;
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
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files: the whole store as op-log records (one create-db per database, then one put or
 * remove per key), framed like the op log.
 *
 * <pre>
 * "NUNSNAP2" · u64 index · u64 term · records… · "NUNSEND2" · u64 record count · u32 CRC32C of every byte before it
 * "NUNSNAP1" · u64 index · records… · "NUNSEND1" · u64 record count     (older files, read as term 0)
 * </pre>
 *
 * <p>Threads: written and deleted on the snapshot thread; loaded by recovery before anything is
 * served; read by a replication sender ({@link #openNewest}) and written by a receiver ({@link
 * #receive}) on the cluster's threads. Every method is safe to call concurrently: files are only
 * ever created under a temp name and renamed.
 *
 * <p>{@code index} is the last op-log index assigned when the snapshot started ({@code term} its
 * entry's term): replaying the records
 * after it on top of the snapshot gives the current state, because every record carries the full
 * resulting state of its key and replay is idempotent. A file is only valid with its footer; it is
 * written to a temp name, fsynced and renamed, so a crash never leaves a half snapshot under a
 * valid name.
 */
public final class SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

    static final byte[] MAGIC_V1 = "NUNSNAP1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_V1 = "NUNSEND1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MAGIC = "NUNSNAP2".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "NUNSEND2".getBytes(StandardCharsets.US_ASCII);

    /** Where the parts of one snapshot format are. */
    private record Layout(int header, int footer, byte[] end, boolean termAndCrc) {
        static final Layout V1 = new Layout(16, 16, END_V1, false);
        static final Layout V2 = new Layout(24, 20, END, true);

        static Layout of(byte[] magic) {
            return Arrays.equals(magic, MAGIC) ? V2 : Arrays.equals(magic, MAGIC_V1) ? V1 : null;
        }
    }

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
     * @param term the term of the entry at {@code index} (0 in files written before terms)
     * @param databases databases in it
     * @param records records in it (create-db records included)
     * @param bytes file size
     * @param millis time taken to write or load it
     */
    public record SnapshotInfo(
            Path file, long index, long term, int databases, long records, long bytes, long millis) {}

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
            String members = databases.stateMachine().members();
            if (members != null) {
                out.accept(LogEntry.config(members)); // the cluster's member set at this point of the log
            }
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

    /** Writes a snapshot of {@code databases} covering {@code index}, whose entry had {@code term}. */
    public SnapshotInfo write(Databases databases, long index, long term, boolean reclaim) throws IOException {
        return write(index, term, stateOf(databases, reclaim));
    }

    /** Writes the records {@code producer} hands out as the snapshot for {@code index} (term 0). */
    public SnapshotInfo write(long index, Consumer<Consumer<LogEntry>> producer) throws IOException {
        return write(index, 0, producer);
    }

    /** Writes the records {@code producer} hands out as the snapshot for {@code index} and {@code term}. */
    public SnapshotInfo write(long index, long term, Consumer<Consumer<LogEntry>> producer) throws IOException {
        long t0 = System.nanoTime();
        PrivateFiles.createDirectories(dir);
        Path target = dir.resolve(fileName(index));
        Path tmp = dir.resolve(fileName(index) + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PrivateFiles.file());
        long[] counts = new long[2];
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                BufferedOutputStream buffered = new BufferedOutputStream(fos, 1 << 20);
                CheckedOutputStream out = new CheckedOutputStream(buffered, new CRC32C())) {
            ByteBuffer head = ByteBuffer.allocate(24).put(MAGIC).putLong(index).putLong(term);
            out.write(head.array());
            WriteSink sink = new WriteSink(out, counts);
            producer.accept(sink);
            if (sink.error != null) {
                throw sink.error;
            }
            ByteBuffer foot = ByteBuffer.allocate(16).put(END).putLong(counts[0]);
            out.write(foot.array());
            buffered.write(ByteBuffer.allocate(4)
                    .putInt((int) out.getChecksum().getValue())
                    .array());
            out.flush();
            fos.getChannel().force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
        long bytes = Files.size(target);
        return new SnapshotInfo(
                target, index, term, (int) counts[1], counts[0], bytes, (System.nanoTime() - t0) / 1_000_000);
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
     * The newest snapshot that passes its checks, open for shipping to a follower (the caller
     * closes it), or null when there is none.
     */
    public SnapshotSource openNewest() throws IOException {
        for (Path file : list()) {
            try {
                String problem = check(file);
                if (problem != null) {
                    log.warn("Not shipping invalid snapshot {}: {}", file, problem);
                    continue;
                }
                long[] header = header(file);
                return new SnapshotSource(file, header[0], header[1]);
            } catch (java.nio.file.NoSuchFileException e) {
                log.debug("Snapshot {} deleted while opening it", file);
            }
        }
        return null;
    }

    /** Starts receiving the snapshot for {@code index} and {@code term} from the leader. */
    public SnapshotReceiver receive(long index, long term) throws IOException {
        return new SnapshotReceiver(this, index, term);
    }

    /** A snapshot file that fails its checks (its name says which and why). */
    public static final class InvalidSnapshotException extends IOException {
        public InvalidSnapshotException(Path file, String problem) {
            super("invalid snapshot " + file + ": " + problem);
        }
    }

    /**
     * Loads the newest valid snapshot into {@code sink}; an invalid one is reported and the next
     * older one tried. Returns null when there is none.
     */
    public SnapshotInfo loadNewest(Consumer<LogEntry> sink) throws IOException {
        for (Path file : list()) {
            try {
                return load(file, sink);
            } catch (InvalidSnapshotException e) {
                log.warn("Ignoring {}", e.getMessage());
            }
        }
        return null;
    }

    /**
     * Checks {@code file} as a whole (framing, every checksum, the footer), then hands its records
     * to {@code sink} in order: nothing is handed over from a file that fails its checks.
     *
     * @throws InvalidSnapshotException when it fails them
     */
    public SnapshotInfo load(Path file, Consumer<LogEntry> sink) throws IOException {
        long t0 = System.nanoTime();
        if (Files.size(file) > mapLimit) {
            long[] counts = new long[4];
            String problem = stream(file, null, counts);
            if (problem != null) {
                throw new InvalidSnapshotException(file, problem);
            }
            problem = stream(file, sink, counts);
            if (problem != null) {
                throw new IOException("snapshot " + file + " changed while loading: " + problem);
            }
            return new SnapshotInfo(
                    file,
                    counts[0],
                    counts[3],
                    (int) counts[2],
                    counts[1],
                    Files.size(file),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        ByteBuffer in = io.nundb.storage.oplog.SegmentReader.map(file);
        String problem = validate(in);
        if (problem != null) {
            throw new InvalidSnapshotException(file, problem);
        }
        Layout layout = Layout.of(bytesAt(in, 0));
        long index = in.getLong(8);
        long term = layout.termAndCrc() ? in.getLong(16) : 0;
        int end = in.limit() - layout.footer();
        ByteBuffer body = in.duplicate().limit(end);
        int offset = layout.header();
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
        return new SnapshotInfo(file, index, term, dbs, records, in.limit(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** The index and term in the header of {@code file} (term 0 in the old format). */
    static long[] header(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] magic = new byte[8];
            in.readFully(magic);
            Layout layout = Layout.of(magic);
            if (layout == null) {
                throw new InvalidSnapshotException(file, "not a snapshot file");
            }
            long index = in.readLong();
            return new long[] {index, layout.termAndCrc() ? in.readLong() : 0};
        }
    }

    /** Null when {@code file} passes every check of {@link #load}, else what is wrong with it. */
    public String check(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return "missing";
        }
        if (Files.size(file) > mapLimit) {
            return stream(file, null, new long[4]);
        }
        return validate(io.nundb.storage.oplog.SegmentReader.map(file));
    }

    /**
     * Walks a snapshot of any size record by record; null when it is sound, else what is wrong.
     * Without a sink it checks checksums; with one it hands the records over (already checked).
     * {@code out}: index, records, databases, term.
     */
    static String stream(Path file, Consumer<LogEntry> sink, long[] out) throws IOException {
        long size = Files.size(file);
        if (size < 32) {
            return "too short (" + size + " bytes)";
        }
        CRC32C crc = new CRC32C();
        try (CheckedInputStream checked =
                        new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20), crc);
                DataInputStream in = new DataInputStream(checked)) {
            byte[] magic = new byte[8];
            in.readFully(magic);
            Layout layout = Layout.of(magic);
            if (layout == null) {
                return "not a snapshot file";
            }
            out[0] = in.readLong();
            out[3] = layout.termAndCrc() ? in.readLong() : 0;
            long end = size - layout.footer();
            long pos = layout.header();
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
            if (!Arrays.equals(end8, layout.end())) {
                return "no end marker (incomplete write)";
            }
            long expected = in.readLong();
            if (layout.termAndCrc()) {
                int computed = (int) crc.getValue();
                if (in.readInt() != computed) {
                    return "file checksum mismatch";
                }
            }
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
        Layout layout = Layout.of(bytesAt(file, 0));
        if (layout == null) {
            return "not a snapshot file";
        }
        int end = length - layout.footer();
        if (end < layout.header() || !Arrays.equals(bytesAt(file, end), layout.end())) {
            return "no end marker (incomplete write)";
        }
        if (layout.termAndCrc()) {
            CRC32C crc = new CRC32C();
            crc.update(file.duplicate().position(0).limit(length - 4));
            if ((int) crc.getValue() != file.getInt(length - 4)) {
                return "file checksum mismatch";
            }
        }
        ByteBuffer in = file.duplicate().limit(end);
        long expected = file.getLong(end + 8);
        long count = 0;
        int offset = layout.header();
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

    /** The index of the newest snapshot file before {@code index}, or -1. */
    public long previousIndex(long index) throws IOException {
        for (Path p : list()) {
            long i = indexOf(p.getFileName().toString());
            if (i < index) {
                return i;
            }
        }
        return -1;
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
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(SUFFIX + ".tmp"))
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
