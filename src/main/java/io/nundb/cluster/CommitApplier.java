package io.nundb.cluster;

import io.nundb.storage.WritePipeline;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed entries (majority mode) on a thread of its own, {@code nundb-apply-<id>}, so
 * that the Raft thread — which every write's replication and acknowledgement pass through — does
 * not also change memory, notify watchers and complete client replies. Commit advances are
 * coalesced: at most one drain is queued at a time, and it applies up to the newest commit index.
 */
final class CommitApplier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommitApplier.class);

    private final WritePipeline pipeline;
    private final ExecutorService thread;
    private final AtomicLong target = new AtomicLong();
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Tests hold the apply here, outside the pipeline's lock, to widen a race they check. */
    private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);

    CommitApplier(String nodeId, WritePipeline pipeline) {
        this.pipeline = pipeline;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nundb-apply-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Entries up to {@code commitIndex} may be applied; returns at once. */
    void committed(long commitIndex) {
        target.accumulateAndGet(commitIndex, Math::max);
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false); // closing
            }
        }
    }

    private void drain() {
        try {
            held.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        queued.set(false);
        try {
            pipeline.applyUpTo(target.get());
        } catch (RuntimeException e) {
            log.error("Applying committed entries failed", e);
        }
    }

    /** Test seam: applies wait until {@link #release}. */
    void hold() {
        held = new java.util.concurrent.CountDownLatch(1);
    }

    void release() {
        held.countDown();
    }

    @Override
    public void close() {
        release();
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
