package io.nundb.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hook transports call when a client connection opens and closes; the metrics read it. Plain
 * Java, thread-safe and non-blocking, so an event loop may call it. Transport names outside
 * {@link MeterNames#TRANSPORTS} are counted as {@code other}.
 */
public final class ConnectionCounter {

    private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> opened = new ConcurrentHashMap<>();

    public ConnectionCounter() {
        for (String t : MeterNames.TRANSPORTS) {
            open.put(t, new AtomicLong());
            opened.put(t, new LongAdder());
        }
        open.put(MeterNames.OTHER_TRANSPORT, new AtomicLong());
        opened.put(MeterNames.OTHER_TRANSPORT, new LongAdder());
    }

    /** A connection of {@code transport} ({@code tcp}, {@code ws}, {@code http}, {@code rsocket}) opened. */
    public void opened(String transport) {
        String t = bucket(transport);
        open.get(t).incrementAndGet();
        opened.get(t).increment();
    }

    /** A connection counted by {@link #opened} closed; call exactly once per opened connection. */
    public void closed(String transport) {
        open.get(bucket(transport)).updateAndGet(n -> Math.max(0, n - 1));
    }

    public long open(String transport) {
        return open.get(bucket(transport)).get();
    }

    public long totalOpened(String transport) {
        return opened.get(bucket(transport)).sum();
    }

    /** Every transport tag value this counter reports, {@code other} included. */
    public Iterable<String> transports() {
        return open.keySet();
    }

    private String bucket(String transport) {
        return transport != null && open.containsKey(transport) ? transport : MeterNames.OTHER_TRANSPORT;
    }
}
