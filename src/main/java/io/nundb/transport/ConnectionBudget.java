package io.nundb.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections all client doors hold together. Each door also counts its own against {@code
 * NUN_MAX_CONNECTIONS}; this one keeps their sum below what the process's file-descriptor limit
 * leaves (every connection holds a descriptor, and the op log, snapshots and probes need theirs),
 * so one busy door may use the room the others leave. Thread-safe; called on event loops.
 */
public final class ConnectionBudget {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionBudget(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a connection budget holds at least one connection: " + max);
        }
        this.max = max;
    }

    /** No budget beyond each door's own limit (tests, tools). */
    public static ConnectionBudget unlimited() {
        return new ConnectionBudget(Integer.MAX_VALUE);
    }

    /** Takes room for one connection; false (nothing taken) when the budget is spent. */
    public boolean tryAcquire() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back the room of a connection that {@link #tryAcquire} admitted. */
    public void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }
}
