package io.nundb.lincheck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records what clients did, from any number of threads: {@link #invoke} just before a request is
 * sent, then exactly one of {@link #ok}, {@link #fail} or {@link #unknown} when its fate is known.
 * Times are ticks of one shared counter, so an operation that returned before another was invoked
 * has the smaller tick, which is all real-time order needs. An operation never closed counts as
 * unknown. Cheap: one counter increment and one map update per event, no locks.
 */
public final class History {

    private static final class Pending {
        final long id;
        final String client;
        final String key;
        final Op op;
        final long call;
        volatile long ret = Operation.NEVER;
        volatile Output output;
        volatile boolean failed;

        Pending(long id, String client, String key, Op op, long call) {
            this.id = id;
            this.client = client;
            this.key = key;
            this.op = op;
            this.call = call;
        }
    }

    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> ops = new ConcurrentHashMap<>();
    private final Map<Long, Operation> explicit = new ConcurrentHashMap<>();

    /** Call just before sending the request; returns the operation's id. */
    public long invoke(String clientId, String key, Op op) {
        long id;
        do {
            id = ids.incrementAndGet();
        } while (explicit.containsKey(id));
        ops.put(id, new Pending(id, clientId, key, op, clock.incrementAndGet()));
        return id;
    }

    /** The operation completed with {@code output}. */
    public void ok(long id, Output output) {
        Pending p = open(id);
        Operation.requireFits(id, p.op, output);
        p.output = output;
        p.ret = clock.incrementAndGet();
    }

    /** The operation definitely did not happen (the server refused it): it is left out of the history. */
    public void fail(long id) {
        open(id).failed = true;
    }

    /** The operation may or may not have happened (a timeout, a connection lost after sending). */
    public void unknown(long id) {
        Pending p = open(id);
        p.ret = Operation.NEVER - 1; // closed, but still treated as returning at infinity
    }

    /** Adds an operation with explicit times (hand-written or generated histories); its id must be unique. */
    public void add(Operation operation) {
        if (explicit.putIfAbsent(operation.id(), operation) != null || ops.containsKey(operation.id())) {
            throw new IllegalArgumentException("duplicate operation id " + operation.id());
        }
    }

    private Pending open(long id) {
        Pending p = ops.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no operation " + id);
        }
        if (p.failed || p.ret != Operation.NEVER) {
            throw new IllegalStateException("operation " + id + " was already closed");
        }
        return p;
    }

    /** The operations that may have happened, by call time. */
    public List<Operation> operations() {
        List<Operation> out = new ArrayList<>(explicit.values());
        for (Pending p : ops.values()) {
            if (p.failed) {
                continue;
            }
            long ret = p.ret; // written after output: a finite ret means output is visible
            out.add(
                    ret >= Operation.NEVER - 1
                            ? Operation.unknown(p.id, p.client, p.key, p.op, p.call)
                            : Operation.completed(p.id, p.client, p.key, p.op, p.call, ret, p.output));
        }
        out.sort(Comparator.comparingLong(Operation::call).thenComparingLong(Operation::id));
        return out;
    }

    /** The operations split by key: each key is a register of its own (linearizability is compositional). */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> keys = new LinkedHashMap<>();
        for (Operation o : operations()) {
            keys.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
        }
        return keys;
    }
}
