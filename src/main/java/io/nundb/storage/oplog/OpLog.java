package io.nundb.storage.oplog;

import io.nundb.storage.Journal;
import io.nundb.storage.LogEntry;
import io.nundb.storage.StorageTimings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only op log: the store's {@link Journal}.
 *
 * <p>{@link #append} assigns the next index and queues the record under one short lock, so that
 * queue order is index order; it never touches the disk. One writer thread takes everything queued
 * at once, writes it with a single call (group commit), forces it when the {@link FsyncPolicy}
 * says so, and only then completes the futures. A write that fails completes its futures
 * exceptionally: nothing is acknowledged that is not in the file.
 */
public final class OpLog implements Journal, AutoCloseable {

    private volatile StorageTimings timings = StorageTimings.NONE;

    private static final Logger log = LoggerFactory.getLogger(OpLog.class);

    private final Path dir;
    private final OpLogOptions options;
    private final SegmentChannel.Opener opener;
    private final DiskHealth health = new DiskHealth();

    private final Object lock = new Object();
    // guarded by lock
    private ArrayList<Pending> queue = new ArrayList<>();
    private long lastAssigned;
    private long term;
    private boolean started;
    private boolean closing;

    // guarded by itself; the last element is the segment being written, if any
    private final List<Segment> segments = new ArrayList<>();

    private volatile Runnable sizeExceeded = () -> {};
    private Thread writer;
    // completing a future wakes its waiter (a syscall each): done off the writer thread, in batch order
    private final ExecutorService acks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nundb-oplog-ack");
        t.setDaemon(true);
        return t;
    });

    // writer thread only
    private SegmentChannel channel;
    private Segment active;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private boolean dirty;
    private long lastForceNanos = System.nanoTime();
    private volatile boolean rollRequested;

    private record Pending(LogEntry record, CompletableFuture<Long> durable) {}

    public OpLog(Path dir, OpLogOptions options) {
        this(dir, options, SegmentChannel.FILES);
    }

    public OpLog(Path dir, OpLogOptions options, SegmentChannel.Opener opener) {
        this.dir = dir;
        this.options = options;
        this.opener = opener;
    }

    /**
     * Starts writing after recovery: {@code lastIndex} is the highest index already on disk (in a
     * snapshot or a segment) and {@code existing} the segments that are kept. New records always go
     * to a new segment.
     */
    public void start(long lastIndex, List<Segment> existing) {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("op log already started");
            }
            lastAssigned = lastIndex;
            synchronized (segments) {
                segments.clear();
                segments.addAll(existing);
            }
            started = true;
            writer = new Thread(this::writeLoop, "nundb-oplog-writer");
            writer.setDaemon(true);
            writer.start();
        }
        log.info(
                "Op log in {}: fsync {}{}, segments of {} bytes, next index {}",
                dir,
                options.fsync().name().toLowerCase(),
                options.fsync() == FsyncPolicy.INTERVAL
                        ? " every " + options.fsyncInterval().toMillis() + " ms"
                        : "",
                options.segmentBytes(),
                lastIndex + 1);
    }

    @Override
    public CompletableFuture<Long> append(LogEntry record) {
        CompletableFuture<Long> durable = new CompletableFuture<>();
        synchronized (lock) {
            if (!started || closing) {
                durable.completeExceptionally(
                        new IOException(closing ? "storage is shutting down" : "storage not started"));
                return durable;
            }
            long index = ++lastAssigned;
            queue.add(new Pending(record.withIndex(index, term), durable));
            if (queue.size() == 1) {
                lock.notifyAll();
            }
        }
        return durable;
    }

    /** The highest index handed out so far: a snapshot that starts now covers at least this much. */
    public long lastAssignedIndex() {
        synchronized (lock) {
            return lastAssigned;
        }
    }

    /** The replication term stamped on records from now on. */
    public void setTerm(long newTerm) {
        synchronized (lock) {
            term = newTerm;
        }
    }

    public DiskHealth health() {
        return health;
    }

    public OpLogOptions options() {
        return options;
    }

    public Path directory() {
        return dir;
    }

    /** Called (on the writer thread) when the segments together pass {@link OpLogOptions#maxLogBytes}. */
    public void onSizeExceeded(Runnable action) {
        this.sizeExceeded = action == null ? () -> {} : action;
    }

    /** Bytes in all segments on disk. */
    public long totalBytes() {
        synchronized (segments) {
            return segments.stream().mapToLong(Segment::bytes).sum();
        }
    }

    /** Records in all segments on disk. */
    public long totalRecords() {
        synchronized (segments) {
            return segments.stream().mapToLong(Segment::records).sum();
        }
    }

    public List<Segment> segments() {
        synchronized (segments) {
            return List.copyOf(segments);
        }
    }

    /** Makes the writer start a new segment before its next write, so that the old one can be dropped. */
    public void requestRoll() {
        rollRequested = true;
    }

    /**
     * Deletes the closed segments whose records all have an index of at most {@code index} (a
     * snapshot with that index holds their effect). Returns how many were deleted.
     */
    public int dropCoveredBy(long index) {
        List<Segment> doomed = new ArrayList<>();
        synchronized (segments) {
            // segment i holds indexes below segment i+1's first index; the last one may still grow
            while (segments.size() > 1 && segments.get(1).firstIndex() <= index + 1) {
                doomed.add(segments.remove(0));
            }
        }
        for (Segment s : doomed) {
            try {
                Files.deleteIfExists(s.path());
            } catch (IOException e) {
                log.warn("Could not delete covered op-log segment {}: {}", s.path(), e.toString());
            }
        }
        if (!doomed.isEmpty()) {
            log.debug("Dropped {} op-log segments covered by index {}", doomed.size(), index);
        }
        return doomed.size();
    }

    /** Writes what is queued, forces it and stops the writer; later appends fail. */
    @Override
    public void close() {
        Thread w;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            lock.notifyAll();
            w = writer;
        }
        try {
            if (w != null) {
                w.join(TimeUnit.SECONDS.toMillis(30));
            }
            acks.shutdown();
            acks.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        ArrayList<Pending> batch = new ArrayList<>();
        long intervalNanos = options.fsyncInterval().toNanos();
        boolean interval = options.fsync() == FsyncPolicy.INTERVAL;
        while (true) {
            boolean stop = false;
            synchronized (lock) {
                while (queue.isEmpty() && !closing) {
                    if (interval && dirty) {
                        long waitNanos = lastForceNanos + intervalNanos - System.nanoTime();
                        if (waitNanos <= 0) {
                            break;
                        }
                        waitQuietly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
                    } else {
                        waitQuietly(0);
                    }
                }
                if (queue.isEmpty() && closing) {
                    stop = true;
                } else {
                    ArrayList<Pending> swap = queue;
                    queue = batch;
                    batch = swap;
                }
            }
            if (stop) {
                break;
            }
            if (!batch.isEmpty()) {
                writeBatch(batch);
                batch = new ArrayList<>();
            }
            if (interval && dirty && System.nanoTime() - lastForceNanos >= intervalNanos) {
                forceQuietly();
            }
        }
        forceQuietly();
        closeChannel();
    }

    private void waitQuietly(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeBatch(List<Pending> batch) {
        long first = batch.get(0).record().index();
        long before;
        try {
            if (rollRequested && channel != null) {
                rollRequested = false;
                roll();
            }
            openIfNeeded(first);
            before = active.bytes();
        } catch (IOException | RuntimeException e) {
            fail(batch, "cannot open op-log segment in " + dir + ": " + describe(e));
            return;
        }
        buffer.clear();
        for (Pending p : batch) {
            LogEntry r = p.record();
            byte[] db = RecordCodec.bytes(r.db());
            byte[] key = RecordCodec.bytes(r.key());
            byte[] value = RecordCodec.bytes(r.value());
            int size = RecordCodec.encodedSize(db, key, value);
            if (buffer.remaining() < size) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + size));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            RecordCodec.encode(r, db, key, value, buffer);
        }
        buffer.flip();
        int written = buffer.remaining();
        try {
            channel.writeFully(buffer);
            if (options.fsync() == FsyncPolicy.ALWAYS) {
                force();
                lastForceNanos = System.nanoTime();
            } else {
                dirty = true;
            }
        } catch (IOException | RuntimeException e) {
            undoPartialWrite(before);
            fail(batch, "op-log write failed in " + active.path() + ": " + describe(e));
            return;
        }
        active.grew(written, batch.size());
        health.recovered();
        acks.execute(() -> {
            for (Pending p : batch) {
                p.durable().complete(p.record().index());
            }
        });
        if (active.bytes() >= options.segmentBytes()) {
            try {
                roll();
            } catch (IOException e) {
                log.warn("Closing full op-log segment {} failed: {}", active.path(), e.toString());
            }
            if (totalBytes() > options.maxLogBytes()) {
                sizeExceeded.run();
            }
        }
    }

    private void openIfNeeded(long firstIndex) throws IOException {
        if (channel != null) {
            return;
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(Segment.fileName(firstIndex));
        SegmentChannel opened = opener.open(file);
        forceDirectory();
        Segment segment = new Segment(file, firstIndex, 0, 0);
        synchronized (segments) {
            segments.removeIf(s -> s.path().equals(file));
            segments.add(segment);
        }
        channel = opened;
        active = segment;
    }

    private void roll() throws IOException {
        try {
            force();
            lastForceNanos = System.nanoTime();
            dirty = false;
        } finally {
            closeChannel();
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("Closing op-log segment failed: {}", e.toString());
            }
            channel = null;
        }
    }

    /** A partly written batch must not stay in front of later records, or it reads as corruption. */
    private void undoPartialWrite(long size) {
        try {
            channel.truncate(size);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Could not cut back op-log segment {} after a failed write ({}); continuing in a new segment",
                    active.path(),
                    e.toString());
            closeChannel();
        }
    }

    private void fail(List<Pending> batch, String why) {
        health.failed(why);
        IOException error = new IOException(why);
        acks.execute(() -> {
            for (Pending p : batch) {
                p.durable().completeExceptionally(error);
            }
        });
    }

    /** Where fsync durations go (metrics); set once at wiring time. */
    public void timings(StorageTimings t) {
        this.timings = t == null ? StorageTimings.NONE : t;
    }

    private void force() throws IOException {
        long start = System.nanoTime();
        channel.force();
        timings.fsync(System.nanoTime() - start);
    }

    private void forceQuietly() {
        if (channel == null || !dirty) {
            return;
        }
        try {
            force();
            dirty = false;
        } catch (IOException e) {
            health.failed("op-log fsync failed in " + active.path() + ": " + describe(e));
        }
        lastForceNanos = System.nanoTime();
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("fsync of directory {} not supported: {}", dir, e.toString());
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + m;
    }
}
