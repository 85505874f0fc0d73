package io.nundb.watch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link Outbox} with hard limits on queued messages and on their size: per connection
 * ({@code limit} messages, {@code maxBytes}) and node-wide (a shared {@link ByteBudget}), so a
 * consumer that does not read is cut off before it can put the heap at risk. One message larger
 * than {@code maxBytes} still passes when nothing else is queued (a big value must stay readable),
 * but never beyond the node-wide budget. Producers on any thread {@link #offer};
 * the first offer into an idle outbox calls {@link #scheduleDrain()}, and the transport then
 * {@link #poll()}s on its own thread until empty and calls {@link #drained()}. When the limit is
 * passed, {@link #onOverflow()} runs once: the transport closes the connection with a message.
 */
public abstract class BoundedOutbox implements Outbox {

    /** The message sent to a consumer that is cut off. */
    public static final String SLOW_CONSUMER = "error slow consumer: outbound buffer full, closing connection \n";

    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int limit;
    private final long maxBytes;
    private final ByteBudget total;
    private final DeliveryStats stats;

    /** Bounded in messages only (no byte limit). */
    protected BoundedOutbox(int limit, DeliveryStats stats) {
        this(OutboxLimits.messages(limit), stats);
    }

    protected BoundedOutbox(OutboxLimits limits, DeliveryStats stats) {
        this.limit = limits.messages();
        this.maxBytes = limits.bytes();
        this.total = limits.total();
        this.stats = stats;
    }

    @Override
    public final boolean offer(String message) {
        return enqueue(message, 1, ByteBudget.weight(message));
    }

    /** Queues the change as one entry (its messages still count one by one in the limits). */
    @Override
    public final boolean offer(Notification notification) {
        return enqueue(notification, notification.count(), notification.weight());
    }

    private boolean enqueue(Object entry, int messages, long weight) {
        if (closed.get()) {
            return false;
        }
        int count = size.addAndGet(messages);
        long queued = bytes.addAndGet(weight);
        boolean fits = count <= limit && (queued <= maxBytes || queued == weight);
        if (!fits || !total.tryReserve(weight)) {
            size.addAndGet(-messages);
            bytes.addAndGet(-weight);
            if (closed.compareAndSet(false, true)) {
                stats.slowConsumerDisconnected();
                onOverflow();
            }
            stats.dropped();
            return false;
        }
        queue.add(entry);
        if (closed.get()) {
            discardQueued(); // closed while this message went in: give its reservation back
            return false;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            scheduleDrain();
        }
        return true;
    }

    /**
     * Next message to write, or null when empty; a {@link Notification} comes as its messages'
     * text one after another. Called on the transport's thread.
     */
    public final String poll() {
        Object m = pollEntry();
        return m instanceof Notification n ? n.text() : (String) m;
    }

    /**
     * Next entry to write: a {@link String} or a {@link Notification} (whose shared encoding the
     * transport can write as is), or null when empty. Called on the transport's thread.
     */
    public final Object pollEntry() {
        Object m = queue.poll();
        if (m != null) {
            int messages;
            long weight;
            if (m instanceof Notification n) {
                messages = n.count();
                weight = n.weight();
            } else {
                messages = 1;
                weight = ByteBudget.weight((String) m);
            }
            size.addAndGet(-messages);
            bytes.addAndGet(-weight);
            total.release(weight);
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
        discardQueued();
    }

    private void discardQueued() {
        while (pollEntry() != null) {
            // each poll gives its message's share of the node-wide budget back
        }
    }

    public final boolean isClosed() {
        return closed.get();
    }

    public final int size() {
        return size.get();
    }

    /** Chars queued ({@link ByteBudget#weight}). */
    public final long bytes() {
        return bytes.get();
    }

    public final long maxBytes() {
        return maxBytes;
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
