package io.nundb.watch;

/**
 * A connection's outbound message buffer. Any thread may offer; the transport drains it in order.
 */
public interface Outbox {

    /**
     * Queues a message for the connection. Returns false when the connection is gone or its buffer
     * is full; a full buffer closes the connection (a slow consumer is cut off, never skipped).
     */
    boolean offer(String message);

    /**
     * Queues every message of a change, in order; false as soon as one is refused. Outboxes that
     * can write the notification's shared encoding override this to queue it as one entry.
     */
    default boolean offer(Notification notification) {
        for (int i = 0, n = notification.count(); i < n; i++) {
            if (!offer(notification.message(i))) {
                return false;
            }
        }
        return true;
    }
}
