package io.nundb.cluster;

import io.nundb.cluster.raft.Cancellable;
import io.nundb.cluster.raft.RaftEnvironment;
import io.nundb.cluster.raft.RaftMessage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs a node's Raft state machine ({@code nundb-raft}): every input to the
 * {@link io.nundb.cluster.raft.RaftNode} — peer messages, timers, durability callbacks, admin
 * commands — is posted here, so the node needs no locks. A task that throws is logged and the
 * thread goes on.
 */
final class RaftThread implements RaftEnvironment, Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftThread.class);

    private final ScheduledThreadPoolExecutor executor;
    private final PeerTransport transport;

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
        ScheduledFuture<?> f = executor.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
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
        if (!executor.isShutdown()) {
            executor.execute(guarded(task));
        }
    }

    boolean onThread() {
        return Thread.currentThread().getName().startsWith("nundb-raft-");
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Cluster task failed; the node goes on", e);
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
