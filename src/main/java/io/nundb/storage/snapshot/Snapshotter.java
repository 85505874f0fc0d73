package io.nundb.storage.snapshot;

import io.nundb.storage.Databases;
import io.nundb.storage.StorageTimings;
import io.nundb.storage.oplog.OpLog;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots on its own thread, one at a time: on request ({@code snapshot}), every declutter
 * interval when something changed, when the op log grows past its limit, and once more on close.
 * After each snapshot has been read back and verified, the snapshots before the previous one and
 * the op-log segments the previous one covers are deleted: the previous snapshot and the log after
 * it are kept, so that a damaged newest snapshot can be fallen back on.
 *
 * <p>The snapshot is fuzzy: writes go on while it is written. It records the last index applied
 * before it started; a write whose entry has a later index is replayed on top of it at recovery,
 * and a write with an earlier index was applied in memory before the snapshot started, so the
 * snapshot holds it or a later state of the same key.
 */
public final class Snapshotter implements AutoCloseable {

    private volatile StorageTimings timings = StorageTimings.NONE;

    private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);

    private final Databases databases;
    private final OpLog opLog;
    private final SnapshotStore store;
    private final Duration declutterInterval;
    private final ScheduledExecutorService executor;

    private final Object lock = new Object();
    // guarded by lock: a request not yet started, which later requests join
    private CompletableFuture<SnapshotStore.SnapshotInfo> queued;
    private boolean queuedReclaim;
    private boolean closed;

    private volatile long lastSnapshotIndex;
    private volatile LongSupplier coveredIndex;
    private volatile SnapshotStore.SnapshotInfo lastSnapshot;

    public Snapshotter(
            Databases databases, OpLog opLog, SnapshotStore store, Duration declutterInterval, long recoveredIndex) {
        this.databases = databases;
        this.opLog = opLog;
        this.store = store;
        this.declutterInterval = declutterInterval;
        this.lastSnapshotIndex = recoveredIndex;
        this.coveredIndex = databases.stateMachine()::appliedIndex;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nundb-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the declutter timer and listens for the op log outgrowing its limit. */
    public void start() {
        long period = Math.max(1, declutterInterval.toMillis());
        executor.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        opLog.onSizeExceeded(() -> {
            log.info(
                    "Op log passed {} bytes: taking a snapshot to drop covered segments",
                    opLog.options().maxLogBytes());
            snapshot(false);
        });
    }

    /** Takes a snapshot now (joining one that is queued but not started); {@code reclaim} drops tombstones. */
    public CompletableFuture<SnapshotStore.SnapshotInfo> snapshot(boolean reclaim) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("storage is shutting down"));
            }
            if (queued != null) {
                queuedReclaim |= reclaim;
                return queued;
            }
            CompletableFuture<SnapshotStore.SnapshotInfo> f = new CompletableFuture<>();
            queued = f;
            queuedReclaim = reclaim;
            executor.execute(this::runQueued);
            return f;
        }
    }

    /**
     * Takes a snapshot now, then deletes every older snapshot and the op-log segments it covers,
     * keeping no earlier snapshot to fall back on: for data that must leave the disk (the plain
     * secrets an earlier version wrote). As always, nothing is deleted unless the new snapshot reads
     * back and passes its checks.
     */
    public CompletableFuture<SnapshotStore.SnapshotInfo> snapshotReplacingOlder() {
        CompletableFuture<SnapshotStore.SnapshotInfo> f = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("storage is shutting down"));
            }
            executor.execute(() -> {
                try {
                    f.complete(takeSnapshot(false, true));
                } catch (IOException | RuntimeException e) {
                    log.error("Snapshot failed: {}", e.toString());
                    f.completeExceptionally(e);
                }
            });
        }
        return f;
    }

    /**
     * Where a snapshot learns the last index that memory holds when it starts (default: the last
     * index the op log assigned, right while writes apply to memory before they are appended). A
     * write pipeline that appends before it applies passes its last applied index here.
     */
    public void coveredIndex(LongSupplier lastApplied) {
        this.coveredIndex = lastApplied == null ? databases.stateMachine()::appliedIndex : lastApplied;
    }

    public long lastSnapshotIndex() {
        return lastSnapshotIndex;
    }

    /** The last snapshot written in this run, or null. */
    public SnapshotStore.SnapshotInfo lastSnapshot() {
        return lastSnapshot;
    }

    /** True when something was written since the last snapshot. */
    public boolean changedSinceSnapshot() {
        return databases.stateMachine().appliedIndex() > lastSnapshotIndex;
    }

    private void tick() {
        if (changedSinceSnapshot()) {
            snapshot(false);
        }
    }

    private void runQueued() {
        CompletableFuture<SnapshotStore.SnapshotInfo> f;
        boolean reclaim;
        synchronized (lock) {
            f = queued;
            reclaim = queuedReclaim;
            queued = null;
        }
        if (f == null) {
            return;
        }
        try {
            f.complete(takeSnapshot(reclaim, false));
        } catch (IOException | RuntimeException e) {
            log.error("Snapshot failed: {}", e.toString());
            f.completeExceptionally(e);
        }
    }

    /** Where snapshot durations go (metrics); set once at wiring time. */
    public void timings(StorageTimings t) {
        this.timings = t == null ? StorageTimings.NONE : t;
    }

    /** {@code replaceOlder}: delete what this snapshot covers, not only what the previous one does. */
    private SnapshotStore.SnapshotInfo takeSnapshot(boolean reclaim, boolean replaceOlder) throws IOException {
        long start = System.nanoTime();
        opLog.requestRoll();
        // what memory holds for sure: an entry appended but not yet applied is not in it, so it
        // must stay in the op log to be replayed on top of this snapshot
        long index = coveredIndex.getAsLong();
        long term = Math.max(0, opLog.termAt(index));
        SnapshotStore.SnapshotInfo info = store.write(databases, index, term, reclaim);
        String problem = store.check(info.file());
        if (problem != null) {
            // nothing older is deleted for a snapshot that cannot be read back
            throw new IOException("snapshot " + info.file() + " fails its check after writing: " + problem);
        }
        lastSnapshotIndex = Math.max(lastSnapshotIndex, index);
        lastSnapshot = info;
        opLog.snapshotTaken(index, term);
        // the previous snapshot and the log after it stay, so that a damaged newest snapshot can be
        // fallen back on; what the previous one covers goes
        long previous = replaceOlder ? index : store.previousIndex(index);
        int dropped = 0;
        if (previous >= 0) {
            store.deleteOlderThan(previous);
            dropped = opLog.dropCoveredBy(previous);
        }
        timings.snapshot(reclaim, System.nanoTime() - start);
        log.info(
                "Snapshot {} written{}: {} databases, {} records, {} bytes in {} ms; {} op-log segments dropped",
                info.file().getFileName(),
                reclaim ? " (reclaim)" : "",
                info.databases(),
                info.records(),
                info.bytes(),
                info.millis(),
                dropped);
        return info;
    }

    /**
     * Takes a last snapshot if anything changed (graceful shutdown) and stops; waits up to
     * {@code timeout} for it.
     */
    public void shutdown(Duration timeout) {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        CompletableFuture<SnapshotStore.SnapshotInfo> last =
                changedSinceSnapshot() ? snapshot(false) : CompletableFuture.completedFuture(null);
        synchronized (lock) {
            closed = true;
        }
        try {
            last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.error("Shutdown snapshot did not complete: {} (the op log still holds every write)", e.toString());
        }
        executor.shutdown();
    }

    /** Stops without a last snapshot, as a crash would (tests). */
    void abandon() {
        synchronized (lock) {
            closed = true;
        }
        executor.shutdownNow();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(60));
    }
}
