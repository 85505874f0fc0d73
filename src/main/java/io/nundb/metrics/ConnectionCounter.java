package io.nundb.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Open client connections per transport, for the metrics. A transport either calls {@link #opened}
 * and {@link #closed} (plain Java, thread-safe and non-blocking, so an event loop may call it), or,
 * if it already keeps a count, registers it once with {@link #track}. Transport names outside
 * {@link MeterNames#TRANSPORTS} are counted as {@code other}.
 */
public final class ConnectionCounter {

    private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
    private final Map<String, List<LongSupplier>> tracked = new ConcurrentHashMap<>();

    public ConnectionCounter() {
        for (String t : MeterNames.TRANSPORTS) {
            open.put(t, new AtomicLong());
        }
        open.put(MeterNames.OTHER_TRANSPORT, new AtomicLong());
    }

    /** A connection of {@code transport} ({@code tcp}, {@code ws}, {@code http}, {@code rsocket}) opened. */
    public void opened(String transport) {
        open.get(bucket(transport)).incrementAndGet();
    }

    /** A connection counted by {@link #opened} closed; call exactly once per opened connection. */
    public void closed(String transport) {
        open.get(bucket(transport)).updateAndGet(n -> Math.max(0, n - 1));
    }

    /** Adds a transport's own live count of open connections (read at scrape time). */
    public void track(String transport, LongSupplier openConnections) {
        tracked.computeIfAbsent(bucket(transport), t -> new CopyOnWriteArrayList<>())
                .add(openConnections);
    }

    public long open(String transport) {
        String t = bucket(transport);
        long n = open.get(t).get();
        for (LongSupplier s : tracked.getOrDefault(t, List.of())) {
            n += s.getAsLong();
        }
        return n;
    }

    /** Every transport tag value this counter reports, {@code other} included. */
    public Iterable<String> transports() {
        return open.keySet();
    }

    private String bucket(String transport) {
        return transport != null && open.containsKey(transport) ? transport : MeterNames.OTHER_TRANSPORT;
    }
}
