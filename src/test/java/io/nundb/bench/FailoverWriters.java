package io.nundb.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady writes to one node during a failover trial: {@code threads} blocking connections take
 * turns so that one {@code set} goes out every {@code intervalMillis} in total, and a write that
 * blocks (the node waits for a primary) does not stop the others. Once {@link #markKill(long)}
 * has been called, the first {@code ok} to a write <em>sent after</em> that instant is recorded.
 *
 * <p>Threads: one platform thread per connection ({@code bench-failover-<node>-<i>}); the
 * results are read by the bench's main thread.
 */
final class FailoverWriters implements AutoCloseable {

    private static final long NONE = Long.MAX_VALUE;

    private final int port;
    private final String db;
    private final String token;
    private final String keyPrefix;
    private final long intervalNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong firstOkAfterKill = new AtomicLong(NONE);
    private final AtomicLong okBeforeKill = new AtomicLong();
    private final AtomicLong errorsAfterKill = new AtomicLong();
    private volatile long killedAt = NONE;
    private volatile long countFrom = NONE;
    private volatile boolean running = true;
    private volatile String firstError;
    private volatile String failure;

    FailoverWriters(int port, String db, String token, String keyPrefix, int threadCount, long intervalMillis) {
        this.port = port;
        this.db = db;
        this.token = token;
        this.keyPrefix = keyPrefix;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis) * threadCount;
        long start = System.nanoTime();
        for (int i = 0; i < threadCount; i++) {
            long offset = TimeUnit.MILLISECONDS.toNanos(intervalMillis) * i;
            Thread t = new Thread(() -> loop(start + offset), "bench-failover-" + port + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * {@code killStart}: System.nanoTime just before the SIGKILL, what the failover time is
     * measured from; {@code deadAt}: once the process was reaped. Only writes sent after
     * {@code deadAt} count, so an {@code ok} from the old primary can never pass for the new one's.
     */
    void markKill(long killStart, long deadAt) {
        killedAt = killStart;
        countFrom = deadAt;
    }

    long okBeforeKill() {
        return okBeforeKill.get();
    }

    /** Nanoseconds from the kill to the first {@code ok} of a write sent after it, or -1 if none yet. */
    long failoverNanos() {
        long ok = firstOkAfterKill.get();
        return ok == NONE ? -1 : ok - killedAt;
    }

    long errorsAfterKill() {
        return errorsAfterKill.get();
    }

    String firstError() {
        return firstError;
    }

    /** Why a writer could not keep its connection (null if all went well). */
    String failure() {
        return failure;
    }

    private void loop(long firstSlot) {
        LineSocket socket = null;
        long slot = firstSlot;
        try {
            while (running) {
                long now = System.nanoTime();
                if (slot < now - intervalNanos) {
                    slot += ((now - slot) / intervalNanos) * intervalNanos; // skip missed slots, no burst
                }
                while ((now = System.nanoTime()) < slot) {
                    LockSupport.parkNanos(slot - now);
                }
                slot += intervalNanos;
                if (!running) {
                    break;
                }
                if (socket == null) {
                    socket = connect();
                    if (socket == null) {
                        continue;
                    }
                }
                long sentAt = System.nanoTime();
                List<String> reply;
                try {
                    reply = socket.call("set " + keyPrefix + seq.incrementAndGet() + " v");
                } catch (IOException e) {
                    countError(sentAt, "connection: " + e.getMessage());
                    socket.close();
                    socket = null;
                    continue;
                }
                long answeredAt = System.nanoTime();
                long from = countFrom;
                if (!LineSocket.isOk(reply)) {
                    countError(sentAt, LineSocket.last(reply).strip());
                } else if (from == NONE || sentAt < from) {
                    okBeforeKill.incrementAndGet();
                } else {
                    firstOkAfterKill.accumulateAndGet(answeredAt, Math::min);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is all we want
                }
            }
        }
    }

    private void countError(long sentAt, String text) {
        if (sentAt >= countFrom) {
            errorsAfterKill.incrementAndGet();
            if (firstError == null) {
                firstError = text;
            }
        }
    }

    /** A connection with the database selected, or null (the node may be busy electing). */
    private LineSocket connect() throws IOException {
        try {
            LineSocket s = new LineSocket(port, 20_000);
            s.callOk("use-db " + db + " " + token);
            return s;
        } catch (IOException e) {
            if (killedAt == NONE) {
                throw e; // before the kill every node must answer
            }
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
