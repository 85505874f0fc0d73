package io.nundb.transport;

import io.nundb.watch.ByteBudget;
import io.nundb.watch.OutboxLimits;

/**
 * The pieces of one request's reply while they are assembled in memory (HTTP {@code POST /},
 * RSocket {@code command}), within the connection's byte limit and the node-wide budget. A request
 * that asks for more (1,500 gets of a 1 MB value in one body) stops at the first piece that does
 * not fit: its remaining commands are not run and the reply ends with {@link #error()}. Not
 * thread-safe: one request's pieces arrive one after the other.
 *
 * <p>Each piece counts twice: at its peak a reply is in memory as its pieces and as the joined text.
 */
public final class ReplyBuffer {

    private final long maxBytes;
    private final ByteBudget total;
    private long reserved;
    private boolean full;

    public ReplyBuffer(OutboxLimits limits) {
        this.maxBytes = limits.bytes();
        this.total = limits.total();
    }

    /** Takes a piece's size from the allowance; false (and the buffer is full) when it does not fit. */
    public boolean add(String piece) {
        long weight = 2 * ByteBudget.weight(piece);
        if (full || reserved + weight > maxBytes || !total.tryReserve(weight)) {
            full = true;
            return false;
        }
        reserved += weight;
        return true;
    }

    /** True once a piece did not fit: the request's remaining commands must not run. */
    public boolean isFull() {
        return full;
    }

    /** The error line that ends a text reply that did not fit. */
    public String error() {
        return "error " + reason() + "\n";
    }

    /** Why the reply stopped, in words. */
    public String reason() {
        return "reply too large: above " + maxBytes + " bytes, the remaining commands were not run";
    }

    /** Gives the reservation back once the reply has been handed to the transport. */
    public void release() {
        total.release(reserved);
        reserved = 0;
    }
}
