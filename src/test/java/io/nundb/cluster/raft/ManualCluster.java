package io.nundb.cluster.raft;

import io.nundb.cluster.raft.sim.SimLog;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One {@link RaftNode} under a test's hand: a clock that moves only when told, timers run in
 * order, sent messages collected, disk writes completed on {@link #flushDisk()}, and everything the
 * node reports recorded in {@link #events}, in order.
 */
final class ManualCluster implements RaftEnvironment, RaftListener, SimLog.Disk {

    static final long T = 1000;

    record Sent(String to, RaftMessage message) {}

    private record Timer(long at, long seq, Runnable task, boolean[] cancelled) {}

    long now;
    private long seq;
    private final List<Timer> timers = new ArrayList<>();
    private final List<Runnable> disk = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final RecordingStore store = new RecordingStore();
    final SimLog log = new SimLog(this, new SimLog.Checks() {
        @Override
        public void appended(LogEntry entry, long prefixHash) {}

        @Override
        public void dropping(LogEntry entry) {}
    });
    final RaftNode node;

    /** A node whose disk already holds {@code term} and {@code entries}, as after a restart. */
    ManualCluster(String self, Set<String> members, RaftOptions options, long term, LogEntry... entries) {
        store.term = term;
        if (entries.length > 0) {
            log.appendFollower(List.of(entries), i -> {});
            flushDisk();
        }
        events.clear();
        node = new RaftNode(self, members, options, this, store, log, this);
        log.onLeaderDurable(node::localAppended);
    }

    ManualCluster(String self, long term, LogEntry... entries) {
        this(self, Set.of("n1", "n2", "n3"), RaftOptions.fromElectionTimeout(T), term, entries);
    }

    static LogEntry put(long index, long term) {
        return new LogEntry(index, term, OpType.PUT, "db", "k" + index, 1, "v" + index);
    }

    void advance(long millis) {
        long end = now + millis;
        while (true) {
            Timer next = timers.stream()
                    .filter(t -> !t.cancelled[0])
                    .min(Comparator.comparingLong(Timer::at).thenComparingLong(Timer::seq))
                    .orElse(null);
            if (next == null || next.at > end) {
                break;
            }
            timers.remove(next);
            now = next.at;
            next.task.run();
        }
        now = end;
    }

    /** Completes every pending disk write, then runs what they queued at no delay (a follower's ack). */
    void flushDisk() {
        while (!disk.isEmpty()) {
            disk.remove(0).run();
        }
        advance(0);
    }

    /** Hands what this node sent to its addressees among {@code nodes}, in order. */
    void deliverTo(List<ManualCluster> nodes) {
        for (Sent s : drain()) {
            nodes.stream()
                    .filter(c -> c.node.id().equals(s.to()))
                    .findFirst()
                    .orElseThrow()
                    .node
                    .handle(s.message());
        }
    }

    /**
     * Runs disk completions, zero-delay tasks and message deliveries among {@code nodes} until
     * nothing is left; never moves a clock, so no heartbeat or election timer fires.
     */
    static void settle(List<ManualCluster> nodes) {
        for (int round = 0; round < 1000; round++) {
            boolean busy = false;
            for (ManualCluster c : nodes) {
                c.flushDisk();
                c.advance(0);
                if (!c.sent.isEmpty()) {
                    busy = true;
                    c.deliverTo(nodes);
                }
            }
            if (!busy) {
                return;
            }
        }
        throw new AssertionError("messages kept flowing without a clock moving");
    }

    /** Messages sent since the last call, which forgets them. */
    List<Sent> drain() {
        List<Sent> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }

    @SuppressWarnings("unchecked")
    <M extends RaftMessage> List<M> drain(Class<M> type) {
        return (List<M>)
                drain().stream().map(Sent::message).filter(type::isInstance).toList();
    }

    /** Makes the node leader of a 3-node cluster whose peers grant every vote. */
    void electLeader() {
        node.start();
        advance(2 * T);
        long term = node.term();
        node.handle(new RaftMessage.VoteReply(term + 1, "n2", true, true));
        node.handle(new RaftMessage.VoteReply(term + 1, "n2", true, false));
        drain();
    }

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timer(now + delayMillis, seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void send(String to, RaftMessage message) {
        events.add("send " + message.getClass().getSimpleName());
        sent.add(new Sent(to, message));
    }

    @Override
    public long randomLong(long bound) {
        return 0;
    }

    @Override
    public void later(Runnable completion) {
        disk.add(completion);
    }

    @Override
    public void roleChanged(RaftNode.Role role, long term, String leaderId) {
        events.add("role " + role + " " + term + " " + leaderId);
    }

    @Override
    public void commitAdvanced(long commitIndex) {
        events.add("commit " + commitIndex);
    }

    @Override
    public void truncated(long fromIndex, long count) {
        events.add("truncated " + fromIndex + " " + count);
    }

    @Override
    public void leaderReady(long term, long noopIndex) {
        events.add("ready " + term + " " + noopIndex);
    }

    @Override
    public void snapshotInstalled(long index, long term) {
        events.add("snapshot " + index + " " + term);
    }

    /** A state store that notes each persist among the node's other effects. */
    final class RecordingStore implements RaftStateStore {
        long term;
        String votedFor;

        @Override
        public long currentTerm() {
            return term;
        }

        @Override
        public String votedFor() {
            return votedFor;
        }

        @Override
        public void persist(long newTerm, String newVotedFor) {
            events.add("persist " + newTerm + " " + newVotedFor);
            term = newTerm;
            votedFor = newVotedFor;
        }
    }
}
