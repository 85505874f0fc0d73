package io.nundb.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed-login throttling by source address: after {@value #FREE_FAILURES} failures in a row a
 * source is locked out, for one second, doubling with each further failure up to
 * {@value #MAX_LOCK_MILLIS} ms. A locked-out attempt is answered at once without checking the
 * credentials, so guessing cannot go faster than the lockout allows, and no thread ever waits.
 * A success clears the source. Thread-safe, non-blocking; plain Java.
 *
 * <p>The same rule applies per connection ({@link #lockMillis(int)} on its own failure count), so
 * one connection cannot guess faster either.
 */
public final class LoginThrottle {

    public static final int FREE_FAILURES = 5;
    public static final long MAX_LOCK_MILLIS = 60_000;
    /** Sources remembered at most; beyond it, entries whose lockout expired are dropped. */
    static final int MAX_SOURCES = 100_000;

    private record Failures(int count, long lastMillis) {}

    private final Map<String, Failures> bySource = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public LoginThrottle(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    public LoginThrottle() {
        this(System::currentTimeMillis);
    }

    /** How long a source or connection with {@code failures} failures in a row is locked out. */
    public static long lockMillis(int failures) {
        if (failures < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(failures - FREE_FAILURES, 16);
        return Math.min(MAX_LOCK_MILLIS, 1000L << doublings);
    }

    /** Milliseconds {@code source} is still locked out for (0: may try); null source: never. */
    public long lockedFor(String source) {
        Failures f = source == null ? null : bySource.get(source);
        if (f == null) {
            return 0;
        }
        return Math.max(0, f.lastMillis() + lockMillis(f.count()) - clock.getAsLong());
    }

    public void failed(String source) {
        if (source == null) {
            return;
        }
        long now = clock.getAsLong();
        if (bySource.size() >= MAX_SOURCES) {
            bySource.values().removeIf(f -> f.lastMillis() + Math.max(MAX_LOCK_MILLIS, lockMillis(f.count())) < now);
        }
        bySource.merge(source, new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
    }

    public void succeeded(String source) {
        if (source != null) {
            bySource.remove(source);
        }
    }
}
