package io.nundb.cluster.rpc;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One WARN line per interval for a repeated problem (a peer with the wrong secret retries every
 * second), counting the occurrences it kept quiet about. No stack traces: the cause is the peer's,
 * not ours. Thread-safe.
 */
final class RateLimitedWarning {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedWarning(Logger log, java.time.Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    void warn(String message) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            long quiet = suppressed.getAndSet(0);
            log.warn(quiet == 0 ? message : message + " (" + quiet + " similar suppressed)");
        } else {
            suppressed.incrementAndGet();
        }
    }
}
