package io.nundb.cluster.raft.sim;

import io.nundb.cluster.raft.Cancellable;
import io.nundb.cluster.raft.RaftEnvironment;
import io.nundb.cluster.raft.RaftListener;
import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftNode;
import io.nundb.cluster.raft.RaftOptions;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A deterministic world for {@link RaftNode}s: one thread, a virtual clock, an event queue, a
 * network that loses, delays, duplicates, reorders and partitions, disks whose writes complete late
 * and are lost on a crash, and a key-value state machine per node. Everything random comes from one
 * seeded {@link Random}, so a seed replays exactly.
 *
 * <p>The invariants are checked as things happen (and a cheap sweep after every step): election
 * safety (one leader per term, across history), log matching (an index and term name one chained
 * log prefix on every node), leader completeness (a leader holds every committed entry; no committed
 * entry is ever truncated), state-machine safety (every node applies the same entry, with the same
 * resulting digest, at each index).
 */
final class Simulation {

    /** The world's knobs. */
    record Config(
            int nodes,
            RaftOptions options,
            double loss,
            double duplicate,
            int maxDelay,
            double spikeRate,
            int spikeDelay,
            int diskDelay,
            int compactEvery,
            int proposalGap,
            int spares,
            boolean memberChanges) {

        static Config random(Random rnd, int nodes) {
            long[] timeouts = {100, 300, 1000};
            long t = timeouts[rnd.nextInt(timeouts.length)];
            // small batches let a follower ack old entries before the new leader's no-op (figure 8)
            int maxEntries = rnd.nextBoolean() ? 1 + rnd.nextInt(3) : 1 + rnd.nextInt(64);
            RaftOptions options = new RaftOptions(t, t / 10, maxEntries, 64 + rnd.nextInt(4096), 1 + rnd.nextInt(8));
            Config config = new Config(
                    nodes,
                    options,
                    rnd.nextDouble() * 0.2,
                    rnd.nextDouble() * 0.1,
                    1 + rnd.nextInt((int) Math.max(2, t / 5)),
                    rnd.nextDouble() * 0.05,
                    (int) t,
                    1 + rnd.nextInt(20),
                    5 + rnd.nextInt(60),
                    5 + rnd.nextInt(60),
                    2,
                    rnd.nextInt(3) == 0);
            // drawn after the world's knobs, so that those stay what they were for each seed
            RaftOptions drawn = options.withCommitNotices(rnd.nextBoolean());
            long heartbeat = drawn.heartbeatMillis();
            long linger = heartbeat > 1 && rnd.nextBoolean() ? 1 + rnd.nextInt((int) heartbeat - 1) : 0;
            return config.withOptions(drawn.withBatchLinger(linger, 1 + rnd.nextInt(8)));
        }

        Config withOptions(RaftOptions other) {
            return new Config(
                    nodes,
                    other,
                    loss,
                    duplicate,
                    maxDelay,
                    spikeRate,
                    spikeDelay,
                    diskDelay,
                    compactEvery,
                    proposalGap,
                    spares,
                    memberChanges);
        }

        static Config calm(int nodes, long electionTimeout) {
            return new Config(
                    nodes, RaftOptions.fromElectionTimeout(electionTimeout), 0, 0, 5, 0, 0, 3, 1000, 20, 0, false);
        }
    }

    /** A leader whose no-op committed. */
    record Ready(long time, String node, long term) {}

    /** A client write a leader accepted into its log. */
    record Proposal(long time, String node, long index, long term) {}

    final long seed;
    final Random rnd;
    Config config;
    final String replayCommand;
    final boolean trace = Boolean.getBoolean("sim.trace");

    long now;
    long steps;
    private long seq;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    final List<Host> hosts = new ArrayList<>();
    private final Map<String, Host> byId = new HashMap<>();
    private final Set<String> memberIds = new LinkedHashSet<>();
    private final int[] group;

    boolean faults;
    boolean proposing;
    private int valueCounter;

    // what the invariants compare against
    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    private long[] committedTerm = new long[1024];
    private long[] committedDigest = new long[1024];
    /** The term in which each index was first known committed (the committing leader's term). */
    private long[] committedInTerm = new long[1024];

    private long committed;
    private final Map<IndexTerm, Long> prefixHashes = new HashMap<>();
    final List<Ready> readies = new ArrayList<>();
    final List<Proposal> proposals = new ArrayList<>();
    long truncatedEntries;
    long snapshotsInstalled;
    long memberChanges;

    private record IndexTerm(long index, long term) {}

    Simulation(long seed, Config config, String replayCommand) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.config = config;
        this.replayCommand = replayCommand;
        int all = config.nodes() + (config.memberChanges() ? config.spares() : 0);
        this.group = new int[all];
        for (int i = 0; i < config.nodes(); i++) {
            memberIds.add("n" + (i + 1));
        }
        // spares start configured with the founders only: outside their own set, they never
        // campaign until a member change adds them
        for (int i = 0; i < all; i++) {
            String id = "n" + (i + 1);
            Host h = new Host(id, hosts.size());
            hosts.add(h);
            byId.put(id, h);
        }
    }

    // ---------------------------------------------------------------- driving

    void startAll() {
        hosts.forEach(this::restart);
    }

    void startClients() {
        proposing = true;
        at(null, 1 + rnd.nextInt(config.proposalGap()), this::propose);
    }

    void startFaults() {
        faults = true;
        at(null, 100 + rnd.nextInt(1000), this::fault);
    }

    /** Stops the faults: heals the network, restarts every node, keeps the network slow but reliable. */
    void endFaults() {
        faults = false;
        java.util.Arrays.fill(group, 0);
        for (Host h : hosts) {
            if (!h.up) {
                restart(h);
            }
        }
        config = new Config(
                config.nodes(),
                config.options(),
                0,
                0,
                Math.min(config.maxDelay(), 10),
                0,
                0,
                config.diskDelay(),
                config.compactEvery(),
                config.proposalGap(),
                config.spares(),
                config.memberChanges());
        trace("faults end");
    }

    void runSteps(long count) {
        long end = steps + count;
        while (steps < end && step()) {
            // each step checked inside
        }
    }

    /** Runs until {@code done} holds (true) or the clock passes {@code deadline} (false). */
    boolean runUntil(BooleanSupplier done, long deadline) {
        while (!done.getAsBoolean()) {
            Event next = queue.peek();
            if (next == null || next.time > deadline) {
                now = Math.max(now, deadline);
                return done.getAsBoolean();
            }
            step();
        }
        return true;
    }

    void runFor(long millis) {
        long end = now + millis;
        runUntil(() -> false, end);
    }

    private boolean step() {
        Event e = queue.poll();
        if (e == null) {
            return false;
        }
        now = e.time;
        if (e.cancelled || (e.owner != null && (!e.owner.up || e.owner.incarnation != e.incarnation))) {
            return true;
        }
        try {
            e.task.run();
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | AssertionError x) {
            throw failure(x.toString(), x);
        }
        steps++;
        sweep();
        return true;
    }

    private Event at(Host owner, long delay, Runnable task) {
        Event e = new Event(now + delay, seq++, owner, owner == null ? 0 : owner.incarnation, task);
        queue.add(e);
        return e;
    }

    private void propose() {
        if (!proposing) {
            return;
        }
        Host h = hosts.get(rnd.nextInt(hosts.size()));
        if (config.memberChanges() && faults && h.up && rnd.nextInt(8) == 0 && h.raft.mayChangeMembers()) {
            changeMembers(h);
        } else if (h.up && h.raft.role() == RaftNode.Role.LEADER) {
            long index = h.log.lastIndex() + 1;
            long term = h.raft.term();
            String value = "v" + (++valueCounter);
            h.log.appendLeader(new LogEntry(index, term, OpType.PUT, "db", "k" + rnd.nextInt(16), 0, value));
            proposals.add(new Proposal(now, h.id, index, term));
            trace(h.id + " accepts " + value + " at " + index + "/" + term);
        }
        at(null, 1 + rnd.nextInt(config.proposalGap()), this::propose);
    }

    /**
     * The leader adds or removes one random server, as the cluster's join/leave do (while the
     * faults run: the liveness phase after them wants a leader that stays).
     */
    private void changeMembers(Host h) {
        Set<String> next = new java.util.TreeSet<>(h.raft.members());
        String id = hosts.get(rnd.nextInt(hosts.size())).id;
        if (!next.remove(id)) {
            next.add(id);
        }
        if (next.isEmpty()) {
            return;
        }
        long index = h.log.lastIndex() + 1;
        long term = h.raft.term();
        h.log.appendLeader(new LogEntry(index, term, OpType.CONFIG, "", "", 0, String.join(",", next)));
        h.raft.membersAppended(index, term, next);
        memberChanges++;
        trace(h.id + " changes members to " + next + " at " + index + "/" + term);
    }

    private void fault() {
        if (!faults) {
            return;
        }
        int kind = rnd.nextInt(10);
        if (kind < 3) {
            for (int i = 0; i < group.length; i++) {
                group[i] = rnd.nextInt(2);
            }
            trace("partition " + java.util.Arrays.toString(group));
        } else if (kind < 5) {
            java.util.Arrays.fill(group, 0);
            trace("heal");
        } else if (kind < 8) {
            crashLater(hosts.get(rnd.nextInt(hosts.size())));
        } else if (kind < 9) {
            hosts.stream()
                    .filter(h -> h.up && h.raft.role() == RaftNode.Role.LEADER)
                    .findFirst()
                    .ifPresent(this::crashLater);
        }
        at(null, 100 + rnd.nextInt(1500), this::fault);
    }

    private void crashLater(Host h) {
        if (!h.up) {
            return;
        }
        crash(h);
        at(null, 100 + rnd.nextInt(3000), () -> {
            if (!h.up) {
                restart(h);
            }
        });
    }

    void crash(Host h) {
        trace("crash " + h.id);
        h.up = false;
        h.incarnation++;
        h.log.crash();
        h.raft = null;
        h.kv = null;
    }

    void restart(Host h) {
        trace("start " + h.id);
        h.up = true;
        h.incarnation++;
        SimLog.Snapshot s = (SimLog.Snapshot) h.log.snapshot();
        h.kv = s == null ? new KvMachine() : KvMachine.decode(s.data());
        if (s != null) {
            checkAgainstCommitted(h, h.kv);
        }
        h.raft = new RaftNode(h.id, memberIds, config.options(), h, h.store, h.log, h);
        h.lastCommit = h.raft.commitIndex();
        h.raft.start();
    }

    // ---------------------------------------------------------------- network

    private void send(Host from, String to, RaftMessage m) {
        Host dst = byId.get(to);
        if (dst == null || rnd.nextDouble() < config.loss()) {
            return;
        }
        int copies = rnd.nextDouble() < config.duplicate() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            long delay = 1 + rnd.nextInt(config.maxDelay());
            if (config.spikeRate() > 0 && rnd.nextDouble() < config.spikeRate()) {
                delay += rnd.nextInt(config.spikeDelay());
            }
            at(null, delay, () -> {
                if (dst.up && group[from.index] == group[dst.index]) {
                    if (trace) {
                        trace(from.id + " -> " + dst.id + " " + m);
                    }
                    dst.raft.handle(m);
                }
            });
        }
    }

    // ---------------------------------------------------------------- invariants

    /**
     * The leader a healed cluster settled on: ready, and no member of its configuration has seen a
     * newer term. A server removed from the configuration is left out: it may have raised its term
     * while cut off and, not knowing it was removed, keep asking for pre-votes that members refuse.
     */
    Host stableLeader() {
        for (Host h : hosts) {
            if (h.up && h.raft.isReadyLeader()) {
                Set<String> members = h.raft.members();
                long maxTerm = hosts.stream()
                        .filter(o -> o.up && members.contains(o.id))
                        .mapToLong(o -> o.raft.term())
                        .max()
                        .orElse(0);
                if (h.raft.term() == maxTerm) {
                    return h;
                }
            }
        }
        return null;
    }

    /** Each node's role, term and commit index, for failure messages. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Host h : hosts) {
            out.append(h.id).append('=');
            out.append(
                    h.up
                            ? h.raft.role() + "/" + h.raft.term() + "/" + h.raft.commitIndex() + "/last "
                                    + h.log.lastIndex() + "/" + h.raft.members()
                            : "down");
            out.append(' ');
        }
        return out.toString();
    }

    boolean isCommitted(long index, long term) {
        return index <= committed && committedTerm[(int) index] == term;
    }

    long committedCount() {
        return committed;
    }

    private void sweep() {
        if (queue.size() > 100_000 || steps > 5_000_000) {
            throw failure("message storm: " + queue.size() + " events pending", null);
        }
        for (Host h : hosts) {
            if (!h.up) {
                continue;
            }
            RaftNode r = h.raft;
            if (r.role() == RaftNode.Role.LEADER && !h.id.equals(leaderOfTerm.get(r.term()))) {
                throw failure(
                        "election safety: " + h.id + " leads term " + r.term() + " but " + leaderOfTerm.get(r.term())
                                + " was elected in it",
                        null);
            }
            if (r.commitIndex() < h.lastCommit) {
                throw failure(h.id + " commit index went back from " + h.lastCommit + " to " + r.commitIndex(), null);
            }
            if (r.commitIndex() > h.log.lastIndex()) {
                throw failure(h.id + " committed " + r.commitIndex() + " beyond its log " + h.log.lastIndex(), null);
            }
            if (h.kv.applied != r.commitIndex()) {
                throw failure(h.id + " applied " + h.kv.applied + " but committed " + r.commitIndex(), null);
            }
            h.lastCommit = r.commitIndex();
        }
    }

    private void recordCommitted(Host h, LogEntry e, long digest) {
        int i = (int) e.index();
        if (i <= committed) {
            if (committedTerm[i] != e.term() || committedDigest[i] != digest) {
                throw failure(
                        "state-machine safety: " + h.id + " applied " + e + " at " + i + " but term " + committedTerm[i]
                                + " was applied there before",
                        null);
            }
            return;
        }
        if (i != committed + 1) {
            throw failure(h.id + " applied " + i + " while the cluster has committed only " + committed, null);
        }
        if (i >= committedTerm.length) {
            committedTerm = java.util.Arrays.copyOf(committedTerm, i * 2);
            committedDigest = java.util.Arrays.copyOf(committedDigest, i * 2);
            committedInTerm = java.util.Arrays.copyOf(committedInTerm, i * 2);
        }
        // a node learns of commits only from the leader of its current term (or is that leader)
        long commitTerm = h.raft.term();
        committedInTerm[i] = commitTerm;
        committedTerm[i] = e.term();
        committedDigest[i] = digest;
        committed = i;
        for (Host other : hosts) {
            // leader completeness: leaders of later terms elected before this commit hold it too
            if (other.up
                    && other.raft.role() == RaftNode.Role.LEADER
                    && other.raft.term() > commitTerm
                    && i > other.log.snapshotIndex()
                    && other.log.termAt(i) != e.term()) {
                throw failure(
                        "leader completeness: " + other.id + " leads term " + other.raft.term()
                                + " without committed entry " + i + "/" + e.term(),
                        null);
            }
        }
    }

    private void checkLeaderComplete(Host h) {
        for (long i = h.log.snapshotIndex() + 1; i <= committed; i++) {
            if (committedInTerm[(int) i] < h.raft.term() && h.log.termAt(i) != committedTerm[(int) i]) {
                throw failure(
                        "leader completeness: " + h.id + " leads term " + h.raft.term() + " with term "
                                + h.log.termAt(i) + " at committed index " + i + " (committed term "
                                + committedTerm[(int) i]
                                + ")",
                        null);
            }
        }
    }

    private void checkAgainstCommitted(Host h, KvMachine kv) {
        if (kv.applied > committed || (kv.applied > 0 && committedDigest[(int) kv.applied] != kv.digest)) {
            throw failure(
                    "state-machine safety: " + h.id + "'s snapshot at " + kv.applied
                            + " differs from what the cluster committed",
                    null);
        }
    }

    SimulationFailure failure(String message, Throwable cause) {
        return new SimulationFailure(
                message + "\n  seed " + seed + ", " + config.nodes() + " nodes, step " + steps + ", t=" + now
                        + " ms\n  replay: " + replayCommand,
                cause);
    }

    private void trace(String line) {
        if (trace) {
            System.out.println(now + " " + line);
        }
    }

    /** An invariant broke; the message carries the seed and the replay command. */
    static final class SimulationFailure extends AssertionError {
        SimulationFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Event implements Comparable<Event>, Cancellable {
        final long time;
        final long seq;
        final Host owner;
        final int incarnation;
        final Runnable task;
        boolean cancelled;

        Event(long time, long seq, Host owner, int incarnation, Runnable task) {
            this.time = time;
            this.seq = seq;
            this.owner = owner;
            this.incarnation = incarnation;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    /** One simulated server: its durable parts (state store, log) and its volatile ones. */
    final class Host implements RaftEnvironment, RaftListener, SimLog.Disk, SimLog.Checks {
        final String id;
        final int index;
        final SimStateStore store = new SimStateStore();
        final SimLog log;
        KvMachine kv;
        RaftNode raft;
        int incarnation;
        boolean up;
        long lastCommit;

        Host(String id, int index) {
            this.id = id;
            this.index = index;
            this.log = new SimLog(this, this);
            log.onLeaderDurable(i -> raft.localAppended(i));
        }

        @Override
        public long nowMillis() {
            return now;
        }

        @Override
        public Cancellable schedule(long delayMillis, Runnable task) {
            return at(this, delayMillis, task);
        }

        @Override
        public void send(String to, RaftMessage message) {
            Simulation.this.send(this, to, message);
        }

        @Override
        public long randomLong(long bound) {
            return rnd.nextLong(bound);
        }

        @Override
        public void later(Runnable completion) {
            at(this, 1 + rnd.nextInt(config.diskDelay()), completion);
        }

        @Override
        public void appended(LogEntry entry, long prefixHash) {
            Long known = prefixHashes.putIfAbsent(new IndexTerm(entry.index(), entry.term()), prefixHash);
            if (known != null && known != prefixHash) {
                throw failure(
                        "log matching: " + id + " holds " + entry.index() + "/" + entry.term()
                                + " after a prefix other nodes do not have",
                        null);
            }
        }

        @Override
        public void dropping(LogEntry entry) {
            if (isCommitted(entry.index(), entry.term())) {
                throw failure(id + " truncates committed entry " + entry.index() + "/" + entry.term(), null);
            }
        }

        @Override
        public void roleChanged(RaftNode.Role role, long term, String leaderId) {
            trace(id + " is " + role + " in term " + term + (leaderId == null ? "" : ", leader " + leaderId));
            if (role == RaftNode.Role.LEADER) {
                String before = leaderOfTerm.putIfAbsent(term, id);
                if (before != null && !before.equals(id)) {
                    throw failure("election safety: " + id + " and " + before + " both lead term " + term, null);
                }
                checkLeaderComplete(this);
            }
        }

        @Override
        public void commitAdvanced(long commitIndex) {
            while (kv.applied < commitIndex) {
                LogEntry e = log.entryAt(kv.applied + 1);
                kv.apply(e);
                recordCommitted(this, e, kv.digest);
            }
            if (kv.applied - log.snapshotIndex() >= config.compactEvery()) {
                log.compact(kv.applied, kv);
            }
        }

        @Override
        public void truncated(long fromIndex, long count) {
            trace(id + " truncates " + count + " from " + fromIndex);
            truncatedEntries += count;
        }

        @Override
        public void leaderReady(long term, long noopIndex) {
            trace(id + " ready in term " + term + " at " + noopIndex);
            readies.add(new Ready(now, id, term));
        }

        @Override
        public void snapshotInstalled(long index, long term) {
            trace(id + " installs snapshot " + index + "/" + term);
            snapshotsInstalled++;
            kv = KvMachine.decode(((SimLog.Snapshot) log.snapshot()).data());
            if (kv.applied != index) {
                throw failure(id + " installed a snapshot of " + kv.applied + " announced as " + index, null);
            }
            checkAgainstCommitted(this, kv);
        }
    }
}
