package io.nundb.storage;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Change ids: nanoseconds since the epoch like NunDB's {@code opp_id}, but strictly increasing so
 * that two changes never share one.
 */
public final class OppIds {

    private final AtomicLong last = new AtomicLong();
    private final Clock clock;

    public OppIds() {
        this(Clock.systemUTC());
    }

    public OppIds(Clock clock) {
        this.clock = clock;
    }

    public long next() {
        long now = clock.millis() * 1_000_000L;
        return last.updateAndGet(prev -> Math.max(prev + 1, now));
    }
}
