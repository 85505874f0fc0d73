package io.nundb.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What must be true before the node takes traffic. A component that needs time to get ready (storage
 * loading, a listener binding) calls {@link #expect} while it is being created, and {@link
 * #satisfied} when done; readiness is UP only when every expected condition is satisfied. Plain Java
 * and thread-safe, so any thread (an event loop included) may mark a condition.
 *
 * <p>Condition names in use: {@value #STORAGE_LOADED}, {@value #HTTP_BOUND}, {@value #TCP_BOUND},
 * {@value #WS_BOUND}, {@value #RSOCKET_BOUND}.
 */
public final class ReadinessGate {

    public static final String STORAGE_LOADED = "storage loaded";
    public static final String HTTP_BOUND = "http bound";
    public static final String TCP_BOUND = "tcp bound";
    public static final String WS_BOUND = "ws bound";
    public static final String RSOCKET_BOUND = "rsocket bound";

    private final Map<String, Boolean> conditions = new ConcurrentHashMap<>();

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
        return !conditions.containsValue(Boolean.FALSE);
    }

    /** Each condition and whether it is met, sorted by name. */
    public Map<String, Boolean> conditions() {
        Map<String, Boolean> sorted = new LinkedHashMap<>();
        conditions.keySet().stream().sorted().forEach(k -> sorted.put(k, conditions.get(k)));
        return sorted;
    }
}
