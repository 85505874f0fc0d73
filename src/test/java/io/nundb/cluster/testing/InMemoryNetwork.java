package io.nundb.cluster.testing;

import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.PeerTransport;
import io.nundb.cluster.raft.RaftMessage;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network of in-process nodes that can lose, delay, duplicate and reorder Raft messages and be
 * partitioned, for clusters whose nodes run on real threads in one JVM. Each node's
 * {@link #transport(String)} is a {@link PeerTransport}; nodes are named by their address.
 *
 * <p>Threads: {@code send} and {@code forward} only draw the message's fate and schedule it, so
 * they never block the sender; delivery ({@code Inbound} callbacks, forward replies) runs on one
 * scheduler thread, so handlers must not block. Without {@link #reorder(boolean) reordering} a
 * link delivers in send order even with random delays, like a TCP connection.
 *
 * <p>Raft messages suffer every fault. A {@code forward} travels over a "connection": it is never
 * dropped or duplicated, only delayed, and fails with a {@link ConnectException} when the link is
 * down when it is sent or when it or its reply would arrive, as a broken connection would.
 * The random draws come from the seed; with real threads the interleaving is not reproducible.
 */
public final class InMemoryNetwork implements AutoCloseable {

    private final Random random;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "in-memory-network");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, PeerTransport.Inbound> nodes = new ConcurrentHashMap<>();

    // Faults: read on sender and delivery threads, changed by the test thread.
    private volatile Map<String, Integer> groups = Map.of();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();
    private final Set<String> cuts = ConcurrentHashMap.newKeySet();
    private volatile double dropRate;
    private volatile double duplicateRate;
    private volatile long minDelayMs;
    private volatile long maxDelayMs;
    private volatile boolean reorder;

    /** Per link ({@code from->to}): the latest delivery time scheduled, so delays do not swap messages. */
    private final Map<String, Long> lastDelivery = new HashMap<>();

    /** Per link: deliveries scheduled in order, run oldest first. */
    private final Map<String, Queue<Runnable>> pending = new ConcurrentHashMap<>();

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public InMemoryNetwork(long seed) {
        this.random = new Random(seed);
    }

    /** The transport of node {@code node}; it receives traffic once started. */
    public PeerTransport transport(String node) {
        return new Transport(node);
    }

    /**
     * Splits the nodes into groups that cannot reach each other; a node named in no group is cut
     * off from everyone. Replaces any earlier partition.
     */
    @SafeVarargs
    public final void partition(Set<String>... groupsOfNodes) {
        Map<String, Integer> g = new HashMap<>();
        for (int i = 0; i < groupsOfNodes.length; i++) {
            for (String node : groupsOfNodes[i]) {
                if (g.put(node, i) != null) {
                    throw new IllegalArgumentException(node + " is in two groups: " + Arrays.toString(groupsOfNodes));
                }
            }
        }
        groups = Map.copyOf(g);
    }

    /** Cuts {@code node} off from every other node. */
    public void isolate(String node) {
        isolated.add(node);
    }

    /** Cuts the link between {@code a} and {@code b}, both ways. */
    public void cut(String a, String b) {
        cuts.add(a + "->" + b);
        cuts.add(b + "->" + a);
    }

    /** Removes partitions, isolations and cuts (the loss, delay, duplication and reordering settings stay). */
    public void heal() {
        groups = Map.of();
        isolated.clear();
        cuts.clear();
    }

    /** The chance that a Raft message is lost. */
    public void dropRate(double rate) {
        dropRate = probability(rate);
    }

    /** The chance that a Raft message is delivered twice. */
    public void duplicateRate(double rate) {
        duplicateRate = probability(rate);
    }

    /** Every delivery takes a random time in {@code [minMs, maxMs]}. */
    public void delay(long minMs, long maxMs) {
        if (minMs < 0 || maxMs < minMs) {
            throw new IllegalArgumentException("delay needs 0 <= min <= max, got " + minMs + ", " + maxMs);
        }
        minDelayMs = minMs;
        maxDelayMs = maxMs;
    }

    /** Whether Raft messages on a link may overtake each other. */
    public void reorder(boolean on) {
        reorder = on;
    }

    /** Whether a message from {@code from} would reach {@code to} now. */
    public boolean reachable(String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        Map<String, Integer> g = groups;
        if (!g.isEmpty()) {
            Integer a = g.get(from);
            if (a == null || !a.equals(g.get(to))) {
                return false;
            }
        }
        return !isolated.contains(from) && !isolated.contains(to) && !cuts.contains(from + "->" + to);
    }

    /** Raft messages handed to a node's inbound. */
    public long delivered() {
        return delivered.get();
    }

    /** Raft messages lost (by the drop rate, a partition, or a node that is not running). */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private static double probability(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("a rate is between 0 and 1, got " + rate);
        }
        return rate;
    }

    /**
     * Runs {@code action} after a random delay. In link order unless reordering: every scheduled
     * task of a link runs the link's oldest pending action, so timer granularity cannot swap two
     * messages. Returns false once the network is closed (the message is lost).
     */
    private boolean later(String from, String to, boolean keepOrder, Runnable action) {
        String link = from + "->" + to;
        long delayNanos;
        synchronized (random) {
            long delay = minDelayMs + (maxDelayMs > minDelayMs ? random.nextLong(maxDelayMs - minDelayMs + 1) : 0);
            delayNanos = TimeUnit.MILLISECONDS.toNanos(delay);
            if (reorder && !keepOrder) {
                delayNanos += TimeUnit.MICROSECONDS.toNanos(random.nextInt(5000)); // jitter: zero delays overtake too
            } else {
                long now = System.nanoTime();
                long at = Math.max(now + delayNanos, lastDelivery.getOrDefault(link, 0L));
                lastDelivery.put(link, at);
                delayNanos = at - now;
            }
        }
        Runnable task = action;
        if (!reorder || keepOrder) {
            Queue<Runnable> queue = pending.computeIfAbsent(link, l -> new ConcurrentLinkedQueue<>());
            queue.add(action);
            task = () -> queue.poll().run();
        }
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    private boolean chance(double rate) {
        if (rate == 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private void deliver(String from, String to, RaftMessage message) {
        PeerTransport.Inbound inbound = nodes.get(to);
        if (inbound == null || !reachable(from, to)) {
            dropped.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
        inbound.onMessage(message);
    }

    private static ConnectException unreachable(String from, String to) {
        return new ConnectException(
                "cannot reach " + to + " from " + from + " (in-memory network: partitioned or not running)");
    }

    private final class Transport implements PeerTransport {
        private final String self;
        private volatile Inbound inbound;

        Transport(String self) {
            this.self = self;
        }

        @Override
        public void start(Inbound handler) {
            if (nodes.putIfAbsent(self, handler) != null) {
                throw new IllegalStateException(self + " is already running on this network");
            }
            inbound = handler;
        }

        @Override
        public void send(String peer, RaftMessage message) {
            if (chance(dropRate) || !reachable(self, peer)) {
                dropped.incrementAndGet();
                return;
            }
            int copies = chance(duplicateRate) ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                if (!later(self, peer, false, () -> deliver(self, peer, message))) {
                    dropped.incrementAndGet();
                }
            }
        }

        @Override
        public CompletableFuture<ForwardReply> forward(String peer, ForwardRequest request) {
            CompletableFuture<ForwardReply> reply = new CompletableFuture<>();
            if (!reachable(self, peer) || !nodes.containsKey(peer)) {
                reply.completeExceptionally(unreachable(self, peer));
                return reply;
            }
            if (!later(self, peer, true, () -> arrive(peer, request, reply))) {
                reply.completeExceptionally(unreachable(self, peer));
            }
            return reply;
        }

        private void arrive(String peer, ForwardRequest request, CompletableFuture<ForwardReply> reply) {
            Inbound target = nodes.get(peer);
            if (target == null || !reachable(self, peer)) {
                reply.completeExceptionally(unreachable(self, peer));
                return;
            }
            CompletableFuture<ForwardReply> answer;
            try {
                answer = target.onForward(request);
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
                return;
            }
            answer.whenComplete((r, error) -> {
                boolean scheduled = later(peer, self, true, () -> {
                    if (!reachable(peer, self) || inbound == null) {
                        reply.completeExceptionally(unreachable(peer, self));
                    } else if (error != null) {
                        reply.completeExceptionally(error);
                    } else {
                        reply.complete(r);
                    }
                });
                if (!scheduled) {
                    reply.completeExceptionally(unreachable(peer, self));
                }
            });
        }

        /** Like a real link: up while the peer runs and the network lets both ways through. */
        @Override
        public boolean isConnected(String peer) {
            return nodes.containsKey(peer) && reachable(self, peer) && reachable(peer, self);
        }

        @Override
        public void close() {
            nodes.remove(self, inbound);
            inbound = null;
        }
    }
}
