package io.nundb.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Change ids: nanoseconds since the epoch like NunDB's {@code opp_id}, but strictly increasing so
 * that two changes never share one.
 */
public final class OppIds {

    private final AtomicLong last = new AtomicLong();

    public long next() {
        long now = System.currentTimeMillis() * 1_000_000L;
        return last.updateAndGet(prev -> Math.max(prev + 1, now));
    }
}
