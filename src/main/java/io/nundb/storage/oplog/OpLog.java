package io.nundb.storage.oplog;

import io.nundb.storage.Journal;
import io.nundb.storage.LogEntry;
import io.nundb.storage.PrivateFiles;
import io.nundb.storage.StorageTimings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only op log: the store's {@link Journal} and, in a cluster, the replication log.
 *
 * <p>Threads. Callers (the write path under a key's lock, the cluster's Raft thread, replication
 * senders, the snapshot thread) use {@link #append}, {@link #appendReplicated}, {@link #termAt},
 * {@link #lastIndex}, {@link #beginTerm} and {@link #dropCoveredBy}: each takes one short lock and
 * never waits for the disk. {@link #readFrom} reads segment files on the caller's thread when the
 * entries are no longer in the cache of recent entries. One writer thread ({@code
 * nundb-oplog-writer}) does every write: it takes everything queued at once, writes it with a single
 * call (group commit), forces it when the {@link FsyncPolicy} says so, and cuts or deletes segments
 * for {@link #truncateAfter} and {@link #resetAfterSnapshot}, whose callers wait for it. Futures
 * are completed in index order: those of a written batch on the writer thread right after the
 * write when nothing else waits to be written (so their continuations must not block: they apply,
 * notify and hand replies to event loops), else, and failures always, on {@code nundb-oplog-ack}.
 *
 * <p>Indexes. {@link #append} (leader) assigns the next index and stamps the current term under the
 * lock, so that queue order is index order; {@link #appendReplicated} (follower) takes entries that
 * carry their own index and term and must continue the log exactly. A write that fails completes
 * its futures exceptionally, and so does every record queued after it; the next index goes back to
 * the last written one + 1, so the log never has holes. Nothing is acknowledged that is not in the
 * file.
 */
public final class OpLog implements Journal, AutoCloseable {

    /** Default bounds of the cache of recently written entries that {@link #readFrom} serves first. */
    public static final int DEFAULT_CACHE_ENTRIES = 100_000;

    public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

    /** Default (estimated) byte budget of one {@link #readFrom(long, int)}. */
    public static final long DEFAULT_READ_BYTES = 4L * 1024 * 1024;

    private volatile StorageTimings timings = StorageTimings.NONE;
    private volatile WrittenListener writtenListener = (i, e) -> {};

    private static final Logger log = LoggerFactory.getLogger(OpLog.class);

    private final Path dir;
    private final OpLogOptions options;
    private final SegmentChannel.Opener opener;
    private final DiskHealth health = new DiskHealth();

    private final Object lock = new Object();
    // guarded by lock
    private ArrayList<Work> queue = new ArrayList<>();
    private long lastAssigned;
    private long lastWritten;
    private long firstIndex = 1;
    private long snapshotIndex;
    private long snapshotTerm;
    private long term;
    private boolean leader = true;
    private boolean started;
    private boolean closing;
    private volatile String broken;
    // bumped whenever indexes are taken back (truncate, reset, failed write): a disk read that
    // spans one is retried
    private long epoch;
    // the lowest index kept by cuts that the writer has not carried out yet
    private long cutBelow = Long.MAX_VALUE;
    private int outstandingCuts;
    private EntryCache cache = new EntryCache(DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_BYTES);
    private TermRuns runs = new TermRuns();
    private final Map<Long, ReadHint> hints = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ReadHint> eldest) {
            return size() > 32;
        }
    };

    // guarded by itself; the last element is the segment being written, if any. Lock order: lock, then segments
    private final List<Segment> segments = new ArrayList<>();

    private volatile Runnable sizeExceeded = () -> {};
    private volatile LongSupplier oldestIndexStillNeeded = () -> Long.MAX_VALUE;
    private Thread writer;
    /** The largest written batch the writer completes itself (see {@link #writeBatch}). */
    static final int INLINE_COMPLETIONS = 8;

    // completions handed off (failures, and written batches while more is queued to write); in order
    private final AtomicInteger acksOutstanding = new AtomicInteger();
    private volatile Thread ackThread;
    private final ExecutorService acks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nundb-oplog-ack");
        ackThread = t;
        t.setDaemon(true);
        return t;
    });

    // writer thread only
    private SegmentChannel channel;
    private Segment active;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private boolean dirty;
    private long lastForceNanos = System.nanoTime();
    private long diskLast;
    private volatile boolean rollRequested;

    private sealed interface Work permits Pending, Cut {}

    /** One entry to write; {@code durable} may be null (a replicated batch acknowledges its last entry). */
    private record Pending(LogEntry record, Journal.Stored durable) implements Work {}

    /** Cut the files after {@code index}, or with {@code reset} drop every segment. */
    private record Cut(long index, boolean reset, CompletableFuture<Void> done) implements Work {}

    private record ReadHint(Path file, long offset) {}

    public OpLog(Path dir, OpLogOptions options) {
        this(dir, options, SegmentChannel.FILES);
    }

    public OpLog(Path dir, OpLogOptions options, SegmentChannel.Opener opener) {
        this.dir = dir;
        this.options = options;
        this.opener = opener;
    }

    /** Starts writing after recovery, with no snapshot (see {@link #start(long, List, long, long)}). */
    public void start(long lastIndex, List<Segment> existing) {
        start(lastIndex, existing, 0, 0);
    }

    /**
     * Starts writing after recovery: {@code lastIndex} is the highest index already on disk (in a
     * snapshot or a segment), {@code existing} the segments that are kept (checked by recovery; their
     * terms are read back here) and the snapshot loaded covers up to {@code snapshotIndex}, whose
     * entry had {@code snapshotTerm}. New records always go to a new segment.
     */
    public void start(long lastIndex, List<Segment> existing, long snapshotIndex, long snapshotTerm) {
        TermRuns found = new TermRuns();
        long[] last = {0, -1};
        for (Segment s : existing) {
            try {
                SegmentReader.scanTerms(s.path(), (index, t) -> {
                    found.add(index, t);
                    last[0] = Math.max(last[0], index);
                    last[1] = t;
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read op-log segment " + s.path(), e);
            }
        }
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("op log already started");
            }
            lastAssigned = lastIndex;
            lastWritten = lastIndex;
            diskLast = lastIndex;
            this.snapshotIndex = snapshotIndex;
            this.snapshotTerm = snapshotTerm;
            firstIndex = existing.isEmpty() || last[0] < snapshotIndex
                    ? lastIndex + 1
                    : existing.get(0).firstIndex();
            runs = found;
            term = Math.max(term, Math.max(snapshotTerm, last[1]));
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
                "Op log in {}: fsync {}{}, segments of {} bytes, next index {}, term {}",
                dir,
                options.fsync().name().toLowerCase(),
                options.fsync() == FsyncPolicy.INTERVAL
                        ? " every " + options.fsyncInterval().toMillis() + " ms"
                        : "",
                options.segmentBytes(),
                lastIndex + 1,
                term);
    }

    /**
     * Enters {@code newTerm} (never lower than the current one) as its leader, whose {@link
     * #append} stamps it on new entries, or as a follower, which only takes {@link
     * #appendReplicated}. A standalone node is the leader of term 0 from the start.
     */
    public void beginTerm(long newTerm, boolean asLeader) {
        synchronized (lock) {
            if (newTerm < term) {
                throw new IllegalArgumentException("term " + newTerm + " is older than the current term " + term);
            }
            term = newTerm;
            leader = asLeader;
        }
    }

    /** The current term. */
    public long currentTerm() {
        synchronized (lock) {
            return term;
        }
    }

    public boolean isLeader() {
        synchronized (lock) {
            return leader;
        }
    }

    /**
     * Appends as the leader: assigns the next index and the current term. Completes exceptionally
     * with {@link NotLeaderException} in follower mode, with an {@link IOException} when the entry
     * could not be stored.
     */
    @Override
    public CompletableFuture<Long> append(LogEntry record) {
        CompletableFuture<Long> durable = new CompletableFuture<>();
        append(record, Journal.Stored.completing(durable));
        return durable;
    }

    /**
     * The write path's {@link #append(LogEntry)}: {@code whenStored} gets the entry as written (the
     * one copy that carries its index and term) in index order, on the writer or ack thread; a
     * refusal (not leader, disk broken) on the caller's thread before this returns.
     */
    @Override
    public void append(LogEntry record, Journal.Stored whenStored) {
        RuntimeException refused;
        synchronized (lock) {
            refused = refusal();
            if (refused == null && !leader) {
                refused = new NotLeaderException(term);
            }
            if (refused == null) {
                long index = ++lastAssigned;
                runs.add(index, term);
                enqueue(new Pending(record.withIndex(index, term), whenStored));
                return;
            }
        }
        whenStored.stored(null, refused.getCause() != null ? refused.getCause() : refused);
    }

    /**
     * Appends entries received from the leader, which carry their own index and term: they must
     * continue exactly at {@link #lastIndex()} + 1, with terms that never go down nor pass the
     * current term. The future completes with the last index once all are written (as the fsync
     * policy demands); exceptionally with an {@link IllegalArgumentException} when the entries do
     * not fit, an {@link IllegalStateException} in leader mode, an {@link IOException} when they
     * could not be stored.
     */
    public CompletableFuture<Long> appendReplicated(List<LogEntry> entries) {
        synchronized (lock) {
            RuntimeException refused = refusal();
            if (refused == null && leader) {
                refused = new IllegalStateException(
                        "the leader of term " + term + " appends its own entries; replicated entries are refused");
            }
            if (refused != null) {
                return CompletableFuture.failedFuture(refused.getCause() != null ? refused.getCause() : refused);
            }
            if (entries.isEmpty()) {
                return CompletableFuture.completedFuture(lastAssigned);
            }
            long expect = lastAssigned + 1;
            long previousTerm = Math.max(0, termAtLocked(lastAssigned));
            for (LogEntry e : entries) {
                String problem = e.index() != expect
                        ? "replicated entries must continue at index " + expect + ", got " + e.index()
                        : e.term() < previousTerm
                                ? "entry " + e.index() + " has term " + e.term() + " below the term " + previousTerm
                                        + " before it"
                                : e.term() > term
                                        ? "entry " + e.index() + " has term " + e.term() + " beyond the current term "
                                                + term + " (begin that term first)"
                                        : null;
                if (problem != null) {
                    return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
                }
                expect++;
                previousTerm = e.term();
            }
            CompletableFuture<Long> durable = new CompletableFuture<>();
            for (int i = 0; i < entries.size(); i++) {
                LogEntry e = entries.get(i);
                runs.add(e.index(), e.term());
                enqueue(new Pending(e, i == entries.size() - 1 ? Journal.Stored.completing(durable) : null));
            }
            lastAssigned = expect - 1;
            return durable;
        }
    }

    /** Why appends are refused now (an IOException as the cause), or null. Under lock. */
    private RuntimeException refusal() {
        if (!started || closing) {
            return new IllegalStateException(
                    new IOException(closing ? "storage is shutting down" : "storage not started"));
        }
        if (broken != null) {
            return new IllegalStateException(new IOException(broken));
        }
        return null;
    }

    private void enqueue(Work w) {
        queue.add(w);
        if (queue.size() == 1) {
            lock.notifyAll();
        }
    }

    /** The highest index handed out so far: a snapshot that starts now covers at least this much. */
    public long lastAssignedIndex() {
        return lastIndex();
    }

    /** The index of the last entry of the log (queued entries included). */
    public long lastIndex() {
        synchronized (lock) {
            return lastAssigned;
        }
    }

    /** The index of the last entry written to the file (as the fsync policy demands); {@link #readFrom} reads up to it. */
    public long lastWrittenIndex() {
        synchronized (lock) {
            return lastWritten;
        }
    }

    /** The first index the log still holds; earlier ones are only in a snapshot. */
    public long firstIndex() {
        synchronized (lock) {
            return firstIndex;
        }
    }

    /**
     * The term of the entry at {@code index}: the snapshot's term at the snapshot index, 0 at index
     * 0, -1 when unknown (compacted, or beyond the end).
     */
    public long termAt(long index) {
        synchronized (lock) {
            return termAtLocked(index);
        }
    }

    private long termAtLocked(long index) {
        if (index == 0) {
            return 0;
        }
        if (index < 0 || index > lastAssigned) {
            return -1;
        }
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        if (index < firstIndex) {
            return -1;
        }
        return runs.termAt(index);
    }

    /** The index and term of the newest snapshot known to the log. */
    public long snapshotIndex() {
        synchronized (lock) {
            return snapshotIndex;
        }
    }

    public long snapshotTerm() {
        synchronized (lock) {
            return snapshotTerm;
        }
    }

    /** Records that a snapshot now covers {@code index}, whose entry had {@code indexTerm} (snapshot thread). */
    public void snapshotTaken(long index, long indexTerm) {
        synchronized (lock) {
            if (index > snapshotIndex) {
                snapshotIndex = index;
                snapshotTerm = indexTerm;
            }
        }
    }

    /** Reads up to {@code maxEntries} from {@code index} within {@link #DEFAULT_READ_BYTES}; see {@link #readFrom(long, int, long)}. */
    public List<LogEntry> readFrom(long index, int maxEntries) throws IOException {
        return readFrom(index, maxEntries, DEFAULT_READ_BYTES);
    }

    /**
     * The written entries from {@code index} on, in order: at most {@code maxEntries}, and no more
     * than {@code maxBytes} (estimated) unless the first entry alone is larger. Empty when {@code
     * index} is past the last written entry. Recent entries come from memory; older ones are read
     * from the segments on the calling thread. Queued but unwritten entries are never returned: a
     * write that fails takes its index back, and an entry sent before would then differ from the
     * one written later at the same index and term.
     *
     * @throws CompactedException when a snapshot has replaced {@code index}: send the snapshot
     */
    public List<LogEntry> readFrom(long index, int maxEntries, long maxBytes) throws IOException {
        if (index < 1 || maxEntries < 1) {
            throw new IllegalArgumentException(
                    "readFrom(" + index + ", " + maxEntries + "): index and count start at 1");
        }
        for (int attempt = 0; ; attempt++) {
            long upTo;
            long seen;
            ReadHint hint;
            synchronized (lock) {
                if (index > lastWritten) {
                    return List.of();
                }
                if (index < firstIndex) {
                    throw new CompactedException(index, firstIndex);
                }
                upTo = Math.min(lastWritten, index + maxEntries - 1);
                if (cache.holds(index)) {
                    List<LogEntry> out = new ArrayList<>();
                    cache.copy(index, upTo, maxEntries, maxBytes, out);
                    return out;
                }
                seen = epoch;
                hint = hints.get(index);
            }
            List<LogEntry> out = new ArrayList<>();
            ReadHint next;
            try {
                next = readSegments(index, upTo, maxEntries, maxBytes, hint, out);
            } catch (NoSuchFileException e) {
                if (attempt < 3) {
                    continue; // compacted or cut meanwhile: look again
                }
                throw e;
            }
            synchronized (lock) {
                if (epoch != seen && attempt < 3) {
                    continue;
                }
                if (!out.isEmpty() && next != null) {
                    hints.put(out.get(out.size() - 1).index() + 1, next);
                }
                return out;
            }
        }
    }

    private ReadHint readSegments(
            long index, long upTo, int maxEntries, long maxBytes, ReadHint hint, List<LogEntry> out)
            throws IOException {
        List<Segment> segs = segments();
        if (segs.isEmpty()) {
            return null;
        }
        int i = segs.size() - 1;
        while (i > 0 && segs.get(i).firstIndex() > index) {
            i--;
        }
        long offset = hint != null && hint.file().equals(segs.get(i).path()) ? hint.offset() : 0;
        long budget = maxBytes;
        ReadHint next = null;
        for (; i < segs.size() && out.size() < maxEntries; i++) {
            Path file = segs.get(i).path();
            int before = out.size();
            long from = out.isEmpty() ? index : out.get(out.size() - 1).index() + 1;
            long end = SegmentReader.read(file, offset, from, upTo, maxEntries, budget, out);
            for (int j = before; j < out.size(); j++) {
                budget -= EntryCache.estimate(out.get(j));
            }
            next = new ReadHint(file, end);
            offset = 0;
            if (!out.isEmpty() && out.get(out.size() - 1).index() >= upTo || budget <= 0) {
                break;
            }
        }
        return next;
    }

    /**
     * Forgets the cached entries up to {@code index}: every follower has them. A cached entry lives
     * until then, so a cache kept full to its bounds would carry every write through the young
     * collections into the old generation; released as followers acknowledge, it holds only the
     * entries on their way, which die young.
     */
    public void releaseCacheThrough(long index) {
        synchronized (lock) {
            cache.dropThrough(index);
        }
    }

    /** How many entries the cache of recent entries holds. */
    public int cachedEntries() {
        synchronized (lock) {
            return cache.size();
        }
    }

    /** Sets the bounds of the cache of recent entries (0 turns it off); it starts empty. */
    public void cacheLimits(int maxEntries, long maxBytes) {
        synchronized (lock) {
            cache = new EntryCache(maxEntries, maxBytes);
        }
    }

    /**
     * Drops every entry after {@code index}: from the queue (their futures fail), from the segment
     * that holds {@code index} (cut at the record boundary) and later segments (deleted), fsynced.
     * Waits for the writer thread, which carries out the cut in order with the writes; appends made
     * meanwhile continue at {@code index} + 1. Returns how many entries were dropped, once every
     * entry written before the cut has been completed too: an entry written just before the cut
     * (so completed as stored, though the cut drops it) is not reported to its caller after this
     * returns, when the caller may have forgotten what it dropped (the cluster's apply queue).
     *
     * @throws IllegalArgumentException when a snapshot covers entries after {@code index}: those
     *     are applied; reset the log with {@link #resetAfterSnapshot} instead
     */
    public long truncateAfter(long index) throws IOException {
        Cut cut;
        long dropped;
        List<Pending> discarded = new ArrayList<>();
        synchronized (lock) {
            checkCanCut();
            if (index >= lastAssigned) {
                return 0;
            }
            if (index < snapshotIndex || index < firstIndex - 1) {
                throw new IllegalArgumentException("cannot truncate the op log after index " + index
                        + ": a snapshot covers up to " + snapshotIndex + " (reset the log with a snapshot instead)");
            }
            dropped = lastAssigned - index;
            takePendingAfter(index, discarded);
            lastAssigned = index;
            lastWritten = Math.min(lastWritten, index);
            runs.truncateAfter(index);
            cache.truncateAfter(index);
            epoch++;
            hints.clear();
            cutBelow = Math.min(cutBelow, index);
            outstandingCuts++;
            cut = new Cut(index, false, new CompletableFuture<>());
            enqueue(cut);
        }
        failLater(discarded, new IOException("truncated: the entry after index " + index + " was dropped"));
        awaitCut(cut);
        awaitCompletions();
        log.info("Op log truncated after index {}: {} entries dropped", index, dropped);
        return dropped;
    }

    /**
     * Replaces the whole log by an installed snapshot covering {@code index} (entry term {@code
     * indexTerm}): every segment is deleted, queued entries fail, and the log continues at {@code
     * index} + 1. Waits for the writer thread, and as {@link #truncateAfter} for completions.
     */
    public void resetAfterSnapshot(long index, long indexTerm) throws IOException {
        Cut cut;
        List<Pending> discarded = new ArrayList<>();
        synchronized (lock) {
            checkCanCut();
            takePendingAfter(Long.MIN_VALUE, discarded);
            lastAssigned = index;
            lastWritten = index;
            firstIndex = index + 1;
            snapshotIndex = index;
            snapshotTerm = indexTerm;
            term = Math.max(term, indexTerm);
            runs.clear();
            cache.clear();
            epoch++;
            hints.clear();
            cutBelow = Long.MIN_VALUE;
            outstandingCuts++;
            cut = new Cut(index, true, new CompletableFuture<>());
            enqueue(cut);
        }
        failLater(discarded, new IOException("replaced by a snapshot at index " + index));
        awaitCut(cut);
        awaitCompletions();
        log.info("Op log reset after an installed snapshot at index {} (term {})", index, indexTerm);
    }

    /** Under lock: a cut needs a running log and a caller that is not the writer it waits for. */
    private void checkCanCut() throws IOException {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("the op-log writer thread cannot wait for itself");
        }
        RuntimeException refused = refusal();
        if (refused != null) {
            if (refused.getCause() instanceof IOException io) {
                throw io;
            }
            throw refused;
        }
    }

    /** Removes the queued entries after {@code index} into {@code out}. Under lock. */
    private void takePendingAfter(long index, List<Pending> out) {
        ArrayList<Work> kept = new ArrayList<>(queue.size());
        for (Work w : queue) {
            if (w instanceof Pending p && p.record().index() > index) {
                out.add(p);
            } else {
                kept.add(w);
            }
        }
        queue = kept;
    }

    private void failLater(List<Pending> pendings, Exception why) {
        if (!pendings.isEmpty()) {
            onAckThread(() -> {
                for (Pending p : pendings) {
                    if (p.durable() != null) {
                        p.durable().stored(null, why);
                    }
                }
            });
        }
    }

    private void onAckThread(Runnable completions) {
        acksOutstanding.incrementAndGet();
        try {
            acks.execute(() -> {
                try {
                    completions.run();
                } finally {
                    acksOutstanding.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            acksOutstanding.decrementAndGet();
            throw e;
        }
    }

    /**
     * Waits until the completions handed to the ack thread so far have run: the writer hands them
     * over before it carries out a cut, so after {@link #awaitCut} these are the last ones of
     * entries written before it. Not on the ack thread itself (it would wait for itself).
     */
    private void awaitCompletions() throws IOException {
        if (Thread.currentThread() == ackThread) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            onAckThread(() -> done.complete(null));
        } catch (RejectedExecutionException e) {
            return; // closing: nothing more will be completed
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the op log's completions ran");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private static void awaitCut(Cut cut) throws IOException {
        try {
            cut.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the op log was being cut");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
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

    /** Called (on the writer thread) when the segments not covered by the newest snapshot pass {@link OpLogOptions#maxLogBytes}. */
    public void onSizeExceeded(Runnable action) {
        this.sizeExceeded = action == null ? () -> {} : action;
    }

    /**
     * Where the cluster says which index the most lagging follower still needs ({@code
     * Long.MAX_VALUE}: none, the default): {@link #dropCoveredBy} keeps the segments holding it.
     */
    public void oldestIndexStillNeeded(LongSupplier supplier) {
        this.oldestIndexStillNeeded = supplier == null ? () -> Long.MAX_VALUE : supplier;
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
     * verified snapshot with that index holds their effect). Segments that hold an index a lagging
     * follower still needs ({@link #oldestIndexStillNeeded}) are kept, but only while those kept
     * covered segments total at most {@link OpLogOptions#maxLogBytes} ({@code
     * NUN_MAX_OP_LOG_SIZE}): past that the oldest go anyway, and a follower that needed them is
     * sent a snapshot. Returns how many were deleted.
     */
    public int dropCoveredBy(long index) {
        long needed = oldestIndexStillNeeded.getAsLong();
        List<Segment> doomed = new ArrayList<>();
        synchronized (lock) {
            synchronized (segments) {
                // segment i holds indexes below segment i+1's first index; the last one may still grow
                int covered = 0;
                while (covered + 1 < segments.size()
                        && segments.get(covered + 1).firstIndex() <= index + 1) {
                    covered++;
                }
                int drop = 0;
                while (drop < covered && segments.get(drop + 1).firstIndex() - 1 < needed) {
                    drop++;
                }
                long keptBytes = 0;
                for (int i = drop; i < covered; i++) {
                    keptBytes += segments.get(i).bytes();
                }
                while (drop < covered && keptBytes > options.maxLogBytes()) {
                    keptBytes -= segments.get(drop).bytes();
                    drop++;
                }
                for (int i = 0; i < drop; i++) {
                    doomed.add(segments.remove(0));
                }
                if (!doomed.isEmpty()) {
                    firstIndex = segments.get(0).firstIndex();
                    runs.dropBefore(firstIndex);
                    hints.clear();
                }
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
        ArrayList<Work> batch = new ArrayList<>();
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
                    ArrayList<Work> swap = queue;
                    queue = batch;
                    batch = swap;
                }
            }
            if (stop) {
                break;
            }
            if (!batch.isEmpty()) {
                process(batch);
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

    /** Writes the runs of entries between cuts as one batch each, then carries out each cut, in order. */
    private void process(List<Work> taken) {
        List<Pending> run = new ArrayList<>();
        boolean failed = false;
        for (Work w : taken) {
            if (w instanceof Pending p) {
                if (failed) {
                    failLater(List.of(p), new IOException("not stored: an earlier write failed"));
                } else {
                    run.add(p);
                }
            } else {
                if (!run.isEmpty()) {
                    failed = !writeBatch(run);
                    run = new ArrayList<>();
                }
                executeCut((Cut) w);
            }
        }
        if (!run.isEmpty() && !failed) {
            writeBatch(run);
        }
    }

    /** Writes one run; false when it failed (then it and everything queued after it failed too). */
    private boolean writeBatch(List<Pending> all) {
        List<Pending> batch = withinCuts(all);
        if (batch.isEmpty()) {
            return true;
        }
        long first = batch.get(0).record().index();
        long before;
        try {
            if (broken != null) {
                throw new IOException(broken);
            }
            if (rollRequested && channel != null) {
                rollRequested = false;
                roll();
            }
            openIfNeeded(first);
            before = active.bytes();
        } catch (IOException | RuntimeException e) {
            failFrom(batch, "cannot open op-log segment in " + dir + ": " + describe(e));
            return false;
        }
        buffer.clear();
        for (Pending p : batch) {
            LogEntry r = p.record();
            int size = RecordCodec.encodedSize(r);
            if (buffer.remaining() < size) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + size));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            RecordCodec.encode(r, buffer);
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
            failFrom(batch, "op-log write failed in " + active.path() + ": " + describe(e));
            return false;
        }
        active.grew(written, batch.size());
        diskLast = batch.get(batch.size() - 1).record().index();
        health.recovered();
        List<Pending> cut = new ArrayList<>();
        long writtenUpTo;
        long writtenEpoch;
        boolean moreQueued;
        boolean asFollower;
        synchronized (lock) {
            moreQueued = !queue.isEmpty();
            asFollower = !leader;
            // a truncate may have come while this was written: its cut follows, so fail what it drops
            for (Pending p : batch) {
                LogEntry e = p.record();
                if (e.index() > cutBelow) {
                    cut.add(p);
                } else {
                    lastWritten = Math.max(lastWritten, e.index());
                    if (!asFollower) {
                        cache.add(e);
                    }
                }
            }
            writtenUpTo = lastWritten;
            writtenEpoch = epoch;
        }
        writtenListener.written(writtenUpTo, writtenEpoch);
        Runnable complete = () -> {
            for (Pending p : batch) {
                if (p.durable() != null && (cut.isEmpty() || !cut.contains(p))) {
                    p.durable().stored(p.record(), null);
                }
            }
        };
        // A small batch with nothing else to write is completed right here: a hand-off would cost
        // a lone write a thread wake-up (the paced-write tail), and the continuations (apply,
        // notify, hand the reply to the connection's event loop) never block. A big batch, or one
        // with more queued, goes to the ack thread, which completes it while the writer writes the
        // next. Inline only while the ack thread has nothing left: completions stay in index order.
        // A follower's batch is inline whatever its size: it is the primary's batch (one completion
        // that applies it), and nothing else waits to be written while the primary waits for the ack
        // the written listener sends, so a hand-off would only add a thread wake-up per batch.
        if ((batch.size() <= INLINE_COMPLETIONS || asFollower) && !moreQueued && acksOutstanding.get() == 0) {
            complete.run();
        } else {
            onAckThread(complete);
        }
        if (!cut.isEmpty()) { // an exception's stack trace costs the writer ~6 % of its time per batch
            failLater(cut, new IOException("truncated after it was written"));
        }
        if (active.bytes() >= options.segmentBytes()) {
            try {
                roll();
            } catch (IOException e) {
                log.warn("Closing full op-log segment {} failed: {}", active.path(), e.toString());
            }
            if (uncoveredBytes() > options.maxLogBytes()) {
                sizeExceeded.run();
            }
        }
        return true;
    }

    /** The run without the entries a pending cut drops (those fail now). */
    private List<Pending> withinCuts(List<Pending> run) {
        long limit;
        synchronized (lock) {
            limit = cutBelow;
        }
        int keep = run.size();
        while (keep > 0 && run.get(keep - 1).record().index() > limit) {
            keep--;
        }
        if (keep < run.size()) {
            failLater(run.subList(keep, run.size()), new IOException("truncated before it was written"));
        }
        return run.subList(0, keep);
    }

    /** Bytes of the segments that hold entries after the newest snapshot. */
    private long uncoveredBytes() {
        long covered;
        synchronized (lock) {
            covered = snapshotIndex;
        }
        synchronized (segments) {
            long sum = 0;
            for (int i = 0; i < segments.size(); i++) {
                if (i + 1 == segments.size() || segments.get(i + 1).firstIndex() - 1 > covered) {
                    sum += segments.get(i).bytes();
                }
            }
            return sum;
        }
    }

    /** Carries out a truncate or reset on the writer thread: cut the files, fsync, wake the caller. */
    private void executeCut(Cut cut) {
        try {
            if (cut.reset() || diskLast > cut.index()) {
                if (channel != null) {
                    roll();
                }
                List<Segment> doomed = new ArrayList<>();
                Segment last = null;
                synchronized (segments) {
                    while (!segments.isEmpty()
                            && (cut.reset() || segments.get(segments.size() - 1).firstIndex() > cut.index())) {
                        doomed.add(segments.remove(segments.size() - 1));
                    }
                    if (!segments.isEmpty()) {
                        last = segments.get(segments.size() - 1);
                    }
                }
                for (Segment s : doomed) {
                    Files.deleteIfExists(s.path());
                }
                if (last != null) {
                    long[] boundary = SegmentReader.boundaryAfter(last.path(), cut.index());
                    try (FileChannel ch = FileChannel.open(last.path(), StandardOpenOption.WRITE)) {
                        ch.truncate(boundary[0]);
                        ch.force(true);
                    }
                    last.resized(boundary[0], boundary[1]);
                }
                forceDirectory();
                diskLast = cut.index();
            }
            cut.done().complete(null);
        } catch (IOException | RuntimeException e) {
            String why = "op-log cut after index " + cut.index() + " failed in " + dir + ": " + describe(e)
                    + "; writes are refused until a restart";
            health.failed(why);
            synchronized (lock) {
                broken = why;
            }
            cut.done().completeExceptionally(new IOException(why, e));
        } finally {
            synchronized (lock) {
                if (--outstandingCuts == 0) {
                    cutBelow = Long.MAX_VALUE;
                }
                epoch++;
                hints.clear();
            }
        }
    }

    private void openIfNeeded(long firstIndex) throws IOException {
        if (channel != null) {
            return;
        }
        PrivateFiles.createDirectories(dir);
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

    /**
     * A failed write: it fails, and so does everything queued after it; the next index goes back to
     * the last written one + 1, so later appends leave no hole.
     */
    private void failFrom(List<Pending> batch, String why) {
        health.failed(why);
        IOException error = new IOException(why);
        List<Pending> failed = new ArrayList<>(batch);
        synchronized (lock) {
            takePendingAfter(Long.MIN_VALUE, failed);
            lastAssigned = lastWritten;
            runs.truncateAfter(lastAssigned);
            epoch++;
            hints.clear();
        }
        failLater(failed, error);
    }

    /** Told what the writer thread wrote; see {@link #onWritten}. */
    @FunctionalInterface
    public interface WrittenListener {
        /**
         * Entries up to {@code lastIndex} are written as the fsync policy demands, as the log was
         * at {@code epoch} (a report whose epoch is no longer {@link #epoch()} predates a truncation
         * and may name entries that are gone).
         */
        void written(long lastIndex, long epoch);
    }

    /** Told, on the writer thread after each batch, what is written: a cluster leader ships from there. Must not block. */
    public void onWritten(WrittenListener listener) {
        this.writtenListener = listener == null ? (i, e) -> {} : listener;
    }

    /** Goes up with every truncation or reset of the log. */
    public long epoch() {
        synchronized (lock) {
            return epoch;
        }
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
