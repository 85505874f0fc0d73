package io.nundb.lincheck;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wing and Gong's search for one key's history, with Lowe's memoization, after Porcupine's
 * {@code checker.go}: the calls and returns form a doubly linked list by time; the search walks it
 * linearizing a call whose operation the model accepts ("lift": unlink the call and its return),
 * and backtracks ("unlift") when it reaches a return whose call is not linearized yet. A cache of
 * (set of linearized operations, model state) pairs already explored cuts the search from
 * factorial to at most 2^window × states. Runs on the caller's thread; single use.
 */
final class WingGongSearch {

    enum Outcome {
        LINEARIZABLE,
        ILLEGAL,
        TIMEOUT
    }

    /** One call or return event; a call's {@code match} is its return. */
    private static final class Node {
        final Operation op;
        final int index;
        final Node match;
        Node prev;
        Node next;

        Node(Operation op, int index, Node match) {
            this.op = op;
            this.index = index;
            this.match = match;
        }
    }

    private record CacheKey(BitSet linearized, RegisterModel.State state) {}

    private record Frame(Node call, RegisterModel.State state) {}

    private final RegisterModel model;
    private final List<Operation> ops;
    private final long deadlineNanos;

    /** The longest linearization seen, for describing a failure. */
    private List<Operation> longest = List.of();

    WingGongSearch(RegisterModel model, List<Operation> ops, long deadlineNanos) {
        this.model = model;
        this.ops = ops;
        this.deadlineNanos = deadlineNanos;
    }

    List<Operation> longestLinearization() {
        return longest;
    }

    Outcome run() {
        Node head = buildList();
        BitSet linearized = new BitSet(ops.size());
        Set<CacheKey> cache = new HashSet<>();
        Deque<Frame> calls = new ArrayDeque<>();
        RegisterModel.State state = model.initial();
        Node entry = head.next;
        long steps = 0;
        while (head.next != null) {
            if ((++steps & 0xFFF) == 0 && System.nanoTime() - deadlineNanos > 0) {
                return Outcome.TIMEOUT;
            }
            if (entry.match != null) {
                RegisterModel.State next = model.step(state, entry.op.op(), entry.op.output());
                if (next != null) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(entry.index);
                    if (cache.add(new CacheKey(candidate, next))) {
                        calls.push(new Frame(entry, state));
                        state = next;
                        linearized.set(entry.index);
                        lift(entry);
                        if (calls.size() > longest.size()) {
                            longest = snapshot(calls);
                        }
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                if (calls.isEmpty()) {
                    return Outcome.ILLEGAL;
                }
                Frame top = calls.pop();
                entry = top.call();
                state = top.state();
                linearized.clear(entry.index);
                unlift(entry);
                entry = entry.next;
            }
        }
        return Outcome.LINEARIZABLE;
    }

    private static List<Operation> snapshot(Deque<Frame> calls) {
        List<Operation> order = new ArrayList<>(calls.size());
        calls.descendingIterator().forEachRemaining(f -> order.add(f.call().op));
        return order;
    }

    /** Calls and returns by time; at equal times calls go first (the operations overlap), as in Porcupine. */
    private Node buildList() {
        record Event(long time, boolean isCall, int index) {}
        List<Event> events = new ArrayList<>(ops.size() * 2);
        for (int i = 0; i < ops.size(); i++) {
            events.add(new Event(ops.get(i).call(), true, i));
            events.add(new Event(ops.get(i).ret(), false, i));
        }
        events.sort(Comparator.comparingLong(Event::time)
                .thenComparing(e -> !e.isCall())
                .thenComparingInt(Event::index));
        Node[] returns = new Node[ops.size()];
        Node head = new Node(null, -1, null);
        Node tail = head;
        // Built back to front so that a call can point at its return node.
        List<Node> nodes = new ArrayList<>(events.size());
        for (int i = events.size() - 1; i >= 0; i--) {
            Event e = events.get(i);
            Node n;
            if (e.isCall()) {
                n = new Node(ops.get(e.index()), e.index(), returns[e.index()]);
            } else {
                n = new Node(ops.get(e.index()), e.index(), null);
                returns[e.index()] = n;
            }
            nodes.add(n);
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            tail.next = n;
            n.prev = tail;
            tail = n;
        }
        return head;
    }

    private static void lift(Node call) {
        unlink(call);
        unlink(call.match);
    }

    private static void unlink(Node n) {
        n.prev.next = n.next;
        if (n.next != null) {
            n.next.prev = n.prev;
        }
    }

    /** Undoes {@link #lift}: the nodes still point at their old neighbours. */
    private static void unlift(Node call) {
        relink(call.match);
        relink(call);
    }

    private static void relink(Node n) {
        n.prev.next = n;
        if (n.next != null) {
            n.next.prev = n;
        }
    }
}
