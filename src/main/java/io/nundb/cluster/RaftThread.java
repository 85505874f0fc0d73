package io.nundb.cluster;

import io.nundb.cluster.raft.Cancellable;
import io.nundb.cluster.raft.RaftEnvironment;
import io.nundb.cluster.raft.RaftMessage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs a node's Raft state machine ({@code nundb-raft}): every input to the
 * {@link io.nundb.cluster.raft.RaftNode} — peer messages, timers, durability callbacks, admin
 * commands — is posted here. A task that throws is logged and the thread goes on.
 *
 * <p>Tasks run one at a time under {@link #turn}, which {@link #runHereIfIdle} also takes: a caller
 * may run a task that cannot block on its own thread when nothing is posted and nothing runs, which
 * spares the hand-off (a thread wake-up) without reordering anything posted before it.
 */
final class RaftThread implements RaftEnvironment, Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftThread.class);

    private final ScheduledThreadPoolExecutor executor;
    private final PeerTransport transport;
    // held while a task runs, here or on a caller's thread
    private final ReentrantLock turn = new ReentrantLock();
    // tasks posted by execute() and not finished yet
    private final AtomicInteger posted = new AtomicInteger();

    RaftThread(String nodeId, PeerTransport transport) {
        this.transport = transport;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nundb-raft-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(inTurn(task), delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void send(String to, RaftMessage message) {
        transport.send(to, message);
    }

    @Override
    public long randomLong(long bound) {
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
    }

    @Override
    public void execute(Runnable task) {
        if (executor.isShutdown()) {
            return;
        }
        posted.incrementAndGet();
        Runnable run = inTurn(task);
        try {
            executor.execute(() -> {
                try {
                    run.run();
                } finally {
                    posted.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            posted.decrementAndGet();
        }
    }

    /**
     * Runs {@code task} on the calling thread if this thread has nothing posted and nothing running;
     * the task answers whether it did its work (false: it found it could not without blocking, did
     * nothing, and the caller posts it). Returns whether the work was done here. Never waits.
     */
    boolean runHereIfIdle(BooleanSupplier task) {
        if (posted.get() != 0 || executor.isShutdown() || !turn.tryLock()) {
            return false;
        }
        try {
            // posted since the first look: it came first and runs first
            if (posted.get() != 0) {
                return false;
            }
            try {
                return task.getAsBoolean();
            } catch (RuntimeException e) {
                log.error("Cluster task failed; the node goes on", e);
                return true;
            }
        } finally {
            turn.unlock();
        }
    }

    private Runnable inTurn(Runnable task) {
        return () -> {
            turn.lock();
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Cluster task failed; the node goes on", e);
            } finally {
                turn.unlock();
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
