package io.nundb.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per kind of bad client input, at most once per {@link #INTERVAL_MILLIS} per
 * kind, with the number of occurrences left out since the last line; never a stack trace. Bad
 * input is the client's problem, and a log an attacker can fill costs disk: 48 bytes of input
 * must not buy 20 KB of log. Any thread; lock-free.
 */
public final class BadInputLog {

    public static final long INTERVAL_MILLIS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(BadInputLog.class);
    private static final BadInputLog SHARED = new BadInputLog(log::warn, System::currentTimeMillis);

    private record Window(AtomicLong lastMillis, AtomicLong suppressed) {}

    private final Map<String, Window> kinds = new ConcurrentHashMap<>();
    private final Consumer<String> out;
    private final LongSupplier clock;

    public BadInputLog(Consumer<String> out, LongSupplier clockMillis) {
        this.out = out;
        this.clock = clockMillis;
    }

    /** The node's log, shared by every door. */
    public static BadInputLog shared() {
        return SHARED;
    }

    /** Notes one bad input of {@code kind} ("rsocket login refused"); {@code detail} has no secrets. */
    public void warn(String kind, String detail) {
        long now = clock.getAsLong();
        Window w = kinds.computeIfAbsent(kind, k -> new Window(new AtomicLong(Long.MIN_VALUE), new AtomicLong()));
        long last = w.lastMillis().get();
        if ((last != Long.MIN_VALUE && now - last < INTERVAL_MILLIS)
                || !w.lastMillis().compareAndSet(last, now)) {
            w.suppressed().incrementAndGet();
            return;
        }
        long suppressed = w.suppressed().getAndSet(0);
        out.accept("bad input: " + kind + ": " + detail
                + (suppressed > 0
                        ? " (" + suppressed + " more like it in the last " + INTERVAL_MILLIS / 1000 + " s)"
                        : ""));
    }
}
