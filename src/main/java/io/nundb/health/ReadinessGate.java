package io.nundb.health;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What must be true before the node takes traffic. A component that needs time to get ready (storage
 * loading, a listener binding) calls {@link #expect} while it is being created, and {@link
 * #satisfied} when done; readiness is UP only when every expected condition is satisfied. Plain Java
 * and thread-safe, so any thread (an event loop included) may mark a condition. A component that
 * can answer for itself at any time (a listener's {@code isRunning}) registers a live probe with
 * {@link #require} instead, so readiness also drops when it stops.
 *
 * <p>Condition names in use: {@value #STORAGE_LOADED}, {@value #STORAGE_WRITABLE}, {@value #HTTP_BOUND}, {@value #TCP_BOUND},
 * {@value #WS_BOUND}, {@value #RSOCKET_BOUND}.
 */
public final class ReadinessGate {

    public static final String STORAGE_LOADED = "storage loaded";
    public static final String STORAGE_WRITABLE = "storage writable";
    public static final String HTTP_BOUND = "http bound";
    public static final String TCP_BOUND = "tcp bound";
    public static final String WS_BOUND = "ws bound";
    public static final String RSOCKET_BOUND = "rsocket bound";
    public static final String CLUSTER_READY = "primary known and caught up";

    private final Map<String, Boolean> conditions = new ConcurrentHashMap<>();
    private final Map<String, BooleanSupplier> probes = new ConcurrentHashMap<>();

    /** Declares a condition that is evaluated on every readiness check. */
    public void require(String condition, BooleanSupplier probe) {
        probes.put(condition, probe);
    }

    /** Declares a condition that readiness waits for (idempotent; never un-satisfies one). */
    public void expect(String condition) {
        conditions.putIfAbsent(condition, Boolean.FALSE);
    }

    /** Marks a condition met (declaring it if nobody did). */
    public void satisfied(String condition) {
        conditions.put(condition, Boolean.TRUE);
    }

    /** Marks a condition unmet again (a listener lost its port, storage failed). */
    public void unsatisfied(String condition) {
        conditions.put(condition, Boolean.FALSE);
    }

    public boolean isReady() {
        return !conditions().containsValue(Boolean.FALSE);
    }

    /** Each condition and whether it is met, sorted by name. */
    public Map<String, Boolean> conditions() {
        Map<String, Boolean> sorted = new TreeMap<>(conditions);
        probes.forEach((name, probe) -> sorted.put(name, probe.getAsBoolean()));
        return sorted;
    }
}
