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
}
