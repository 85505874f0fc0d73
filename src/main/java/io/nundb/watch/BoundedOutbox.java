package io.nundb.watch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link Outbox} with a hard limit on queued messages. Producers on any thread {@link #offer};
 * the first offer into an idle outbox calls {@link #scheduleDrain()}, and the transport then
 * {@link #poll()}s on its own thread until empty and calls {@link #drained()}. When the limit is
 * passed, {@link #onOverflow()} runs once: the transport closes the connection with a message.
 */
public abstract class BoundedOutbox implements Outbox {

    /** The message sent to a consumer that is cut off. */
    public static final String SLOW_CONSUMER = "error slow consumer: outbound buffer full, closing connection \n";

    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int limit;
    private final DeliveryStats stats;

    protected BoundedOutbox(int limit, DeliveryStats stats) {
        if (limit < 1) {
            throw new IllegalArgumentException("outbox limit must be positive: " + limit);
        }
        this.limit = limit;
        this.stats = stats;
    }

    @Override
    public final boolean offer(String message) {
        if (closed.get()) {
            return false;
        }
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            if (closed.compareAndSet(false, true)) {
                stats.slowConsumerDisconnected();
                onOverflow();
            }
            stats.dropped();
            return false;
        }
        queue.add(message);
        if (drainScheduled.compareAndSet(false, true)) {
            scheduleDrain();
        }
        return true;
    }

    /** Next message to write, or null when empty. Called on the transport's thread. */
    public final String poll() {
        String m = queue.poll();
        if (m != null) {
            size.decrementAndGet();
        }
        return m;
    }

    /** The transport has written everything it polled; reschedules if more arrived meanwhile. */
    public final void drained() {
        drainScheduled.set(false);
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            scheduleDrain();
        }
    }

    /** Stops accepting messages (the connection is closing). */
    public final void close() {
        closed.set(true);
        queue.clear();
        size.set(0);
    }

    public final boolean isClosed() {
        return closed.get();
    }

    public final int size() {
        return size.get();
    }

    /** Arrange for the transport's thread to poll this outbox soon. Must not block. */
    protected abstract void scheduleDrain();

    /**
     * The consumer is too slow: send {@link #SLOW_CONSUMER} if possible and close. Must not block,
     * and must not call {@code CommandExecutor.close} on this thread: it runs inside a writer's key
     * lock, so closing belongs on the transport's own thread.
     */
    protected abstract void onOverflow();
}
