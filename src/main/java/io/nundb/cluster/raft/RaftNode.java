package io.nundb.cluster.raft;

import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.cluster.raft.RaftMessage.AppendReply;
import io.nundb.cluster.raft.RaftMessage.InstallSnapshot;
import io.nundb.cluster.raft.RaftMessage.InstallSnapshotReply;
import io.nundb.cluster.raft.RaftMessage.VoteReply;
import io.nundb.cluster.raft.RaftMessage.VoteRequest;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One member of a Raft group, as a pure state machine: messages, timer firings and durability
 * reports go in, messages, log writes and listener calls come out. Raft paper §5 plus the thesis'
 * pre-vote, leader stickiness and check-quorum; pipelined replication with per-follower flow
 * control; snapshot transfer for followers behind the leader's snapshot.
 *
 * <p>Threading: not thread-safe. Every method, every task given to {@link RaftEnvironment#schedule}
 * and every durability callback must run on one thread, the node's.
 *
 * <p>Membership (Raft thesis §4.1, single-server changes): member sets are entries of the log
 * ({@link OpType#CONFIG}), and a node uses the newest one its log holds, committed or not — from
 * the moment it is appended, back to the previous one if it is truncated. The caller appends a
 * change on the leader and reports it with {@link #membersAppended}; {@link #mayChangeMembers}
 * allows one change at a time (the previous one committed, and an entry of the leader's term
 * committed first), so any majority of the old set overlaps any majority of the new one. A leader
 * that is not in the new set stops counting itself and steps down once the change is committed. A
 * node outside its own set campaigns only while that set is not known to be committed (thesis
 * §4.2.2), and its own vote does not count. One server at a time is the whole design: the thesis
 * (§4.3) keeps joint consensus for changes of several members at once, which join/leave never make.
 */
public final class RaftNode {

    /** The roles of Raft, plus the pre-vote phase before a real candidacy. */
    public enum Role {
        FOLLOWER,
        PRE_CANDIDATE,
        CANDIDATE,
        LEADER
    }

    /** How a leader currently feeds one follower. */
    public enum ReplicationState {
        /** One batch at a time until the follower's log is found to match. */
        PROBE,
        /** Batches are pipelined, up to {@link RaftOptions#maxInflight}. */
        REPLICATE,
        /** The follower gets the leader's snapshot, one chunk at a time. */
        SNAPSHOT
    }

    /** A read-only view of one follower's replication progress, for lag metrics and the admin view. */
    public record PeerProgress(
            String peer,
            long matchIndex,
            long nextIndex,
            long lastContactMillis,
            int inflight,
            ReplicationState state) {}

    private final String self;
    private final RaftOptions options;
    private final RaftEnvironment env;
    private final RaftStateStore store;
    private final RaftLog log;
    private final RaftListener listener;

    /** The set used while the log holds none (the configured members). */
    private final Set<String> configured;
    /** The member sets the log holds, by index (at or below the snapshot: the snapshot's set). */
    private final TreeMap<Long, Set<String>> memberSets = new TreeMap<>();

    private Set<String> members;
    private Role role = Role.FOLLOWER;
    private long term;
    private String votedFor;
    private String leaderId;
    private long commitIndex;
    /** Entries up to here are on this node's disk. */
    private long durableIndex;
    /** Follower: entries up to here are known to match the current leader's log. */
    private long verifiedIndex;
    /** Follower: the highest index acknowledged to the current leader. */
    private long lastAcked;

    private long lastLeaderContact = Long.MIN_VALUE / 2;
    private long electionDeadline;
    private Cancellable electionTimer;
    private Cancellable heartbeatTimer;
    private Cancellable quorumTimer;
    private final Set<String> votes = new HashSet<>();
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    private long noopIndex = -1;
    private boolean commitNoticePending;
    private boolean ackPending;
    private boolean ready;
    // written on this node's thread, read on the op log's writer thread
    private volatile boolean reportsWanted = true;
    private boolean started;

    public RaftNode(
            String self,
            Set<String> members,
            RaftOptions options,
            RaftEnvironment env,
            RaftStateStore store,
            RaftLog log,
            RaftListener listener) {
        this.self = self;
        this.configured = Set.copyOf(new TreeSet<>(members));
        this.options = options;
        this.env = env;
        this.store = store;
        this.log = log;
        this.listener = listener;
        this.term = store.currentTerm();
        this.votedFor = store.votedFor();
        // what the log holds at start was recovered from disk; what a snapshot covers was committed
        this.durableIndex = log.lastIndex();
        this.commitIndex = log.snapshotIndex();
        this.memberSets.putAll(log.memberSets());
        this.members = new TreeSet<>(currentMembers());
    }

    // ---------------------------------------------------------------- inputs

    /** Arms the election timer; a lone member elects itself at once. */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        resetElectionDeadline();
        armElectionTimer();
        if (members.size() == 1 && members.contains(self)) {
            preCampaign();
        }
    }

    /** One message from a peer. */
    public void handle(RaftMessage m) {
        handleMessage(m);
        refreshReportsWanted();
    }

    /**
     * Whether {@link #handle} of {@code m} would only extend this follower's log at its end (or find
     * it does not match) and answer: an append from its leader in its own term that continues the
     * log and changes no member set. Handling one persists no term or vote, truncates nothing and
     * changes no role, so a thread that must not block may do it.
     */
    public boolean onlyAppends(RaftMessage m) {
        if (!(m instanceof AppendEntries a)
                || !started
                || role != Role.FOLLOWER
                || a.term() != term
                || !a.from().equals(leaderId)
                || a.prevLogIndex() != log.lastIndex()) {
            return false;
        }
        for (LogEntry e : a.entries()) {
            if (e.type() == OpType.CONFIG) {
                return false;
            }
        }
        return true;
    }

    private void handleMessage(RaftMessage m) {
        if (!started || m.from().equals(self)) {
            return;
        }
        if (m.term() > term) {
            if (m instanceof VoteRequest r) {
                if (inLease()) {
                    // leader stickiness: a healthy leader is not deposed, and our term stays put
                    env.send(r.from(), new VoteReply(term, self, false, r.preVote()));
                    return;
                }
                if (r.preVote()) {
                    handlePreVote(r);
                    return;
                }
            }
            if (!(m instanceof VoteReply v && v.preVote() && v.granted())) {
                String leader = m instanceof AppendEntries || m instanceof InstallSnapshot ? m.from() : null;
                becomeFollower(m.term(), leader);
            }
        } else if (m.term() < term) {
            answerStale(m);
            return;
        }
        if (m instanceof VoteRequest r) {
            if (r.preVote()) {
                handlePreVote(r);
            } else {
                handleVote(r);
            }
        } else if (m instanceof VoteReply v) {
            handleVoteReply(v);
        } else if (m instanceof AppendEntries a) {
            handleAppend(a);
        } else if (m instanceof AppendReply a) {
            handleAppendReply(a);
        } else if (m instanceof InstallSnapshot s) {
            handleSnapshot(s);
        } else if (m instanceof InstallSnapshotReply s) {
            handleSnapshotReply(s);
        }
    }

    /**
     * The leader's own log made entries up to {@code lastIndex} durable (the no-op from {@link
     * RaftLog#appendLeader} and the writes the op log appended in this term): ship them and count
     * this node in the majority. Also valid after the node stepped down (see {@link RaftLog} for how
     * reports relate to truncations).
     */
    public void localAppended(long lastIndex) {
        onDurable(lastIndex);
        refreshReportsWanted();
    }

    /**
     * Whether the leader's own writes should be reported ({@link #localAppended}) as they become
     * durable; read on the op log's writer thread. False only for a leader without commit notices
     * (lazy mode) whose every follower is busy, with a batch in flight or gathering one: a report
     * then ships nothing and answers nobody, and waking this node's thread for it costs the writer
     * and this thread a hand-off per write. Reports skipped meanwhile must be made up before the
     * next {@link RaftMessage.AppendReply} is handled (the commit counts this node's durable index).
     */
    public boolean wantsLocalReports() {
        return reportsWanted;
    }

    private void refreshReportsWanted() {
        boolean busy = role == Role.LEADER && ready && !options.commitNotices() && !progress.isEmpty();
        if (busy) {
            for (Progress p : progress.values()) {
                if (p.state != ReplicationState.REPLICATE || p.inflight.isEmpty() && p.lingerTimer == null) {
                    busy = false;
                    break;
                }
            }
        }
        reportsWanted = !busy;
    }

    /** Timers run through here, so that whatever they change is reflected in {@link #wantsLocalReports}. */
    private Cancellable schedule(long delayMillis, Runnable task) {
        return env.schedule(delayMillis, () -> {
            task.run();
            refreshReportsWanted();
        });
    }

    /**
     * Whether a member change may be appended now: this node is the ready leader and the newest
     * member set in its log is committed.
     */
    public boolean mayChangeMembers() {
        return role == Role.LEADER && ready && (memberSets.isEmpty() || memberSets.lastKey() <= commitIndex);
    }

    /**
     * The leader appended a member change at {@code index} (of {@code entryTerm}): it takes effect
     * here now. Ignored when that entry is no longer in the log.
     */
    public void membersAppended(long index, long entryTerm, Set<String> newMembers) {
        if (index <= log.snapshotIndex() || index > log.lastIndex() || log.termAt(index) != entryTerm) {
            return;
        }
        memberSets.put(index, Set.copyOf(newMembers));
        switchMembers();
        refreshReportsWanted();
    }

    /** The member set a CONFIG entry holds. */
    public static Set<String> membersOf(String value) {
        return Set.copyOf(new TreeSet<>(Arrays.asList(value.split(","))));
    }

    private Set<String> currentMembers() {
        return memberSets.isEmpty() ? configured : memberSets.lastEntry().getValue();
    }

    private void switchMembers() {
        Set<String> next = currentMembers();
        if (next.equals(members)) {
            return;
        }
        members = new TreeSet<>(next);
        listener.membersChanged(Set.copyOf(members));
        if (role != Role.LEADER) {
            return;
        }
        progress.keySet().retainAll(members);
        for (String peer : members) {
            if (!peer.equals(self) && !progress.containsKey(peer)) {
                Progress p = new Progress(peer, log.lastIndex() + 1, env.nowMillis());
                progress.put(peer, p);
                sendAppend(p, true);
            }
        }
        maybeCommit();
    }

    /**
     * The debug command: a leader steps down (followers elect a leader once its lease expires, maybe
     * the same node); any other node starts a pre-vote round now, which a healthy leader's followers
     * refuse.
     */
    public void forceElection() {
        if (!started || !mayCampaign()) {
            return;
        }
        if (role == Role.LEADER) {
            becomeFollower(term, null);
        } else {
            preCampaign();
        }
        refreshReportsWanted();
    }

    // ---------------------------------------------------------------- getters

    public String id() {
        return self;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    /** The leader of the current term as far as this node knows, or null. */
    public String leaderId() {
        return leaderId;
    }

    public long commitIndex() {
        return commitIndex;
    }

    /** Entries up to here are durable on this node. */
    public long durableIndex() {
        return durableIndex;
    }

    public Set<String> members() {
        return Set.copyOf(members);
    }

    /** True once this node leads and its no-op of the term is committed. */
    public boolean isReadyLeader() {
        return role == Role.LEADER && ready;
    }

    /** Per-follower progress; empty unless leading. */
    public List<PeerProgress> progress() {
        List<PeerProgress> out = new ArrayList<>(progress.size());
        for (Progress p : progress.values()) {
            out.add(new PeerProgress(p.peer, p.match, p.next, p.lastContact, p.inflight.size(), p.state));
        }
        return out;
    }

    // ---------------------------------------------------------------- elections

    private boolean inLease() {
        if (role == Role.LEADER) {
            return true; // check-quorum makes a leader without a majority step down
        }
        return leaderId != null && env.nowMillis() - lastLeaderContact < options.electionTimeoutMillis();
    }

    private boolean upToDate(VoteRequest r) {
        long lastIndex = log.lastIndex();
        long lastTerm = log.termAt(lastIndex);
        return r.lastLogTerm() > lastTerm || (r.lastLogTerm() == lastTerm && r.lastLogIndex() >= lastIndex);
    }

    private void handlePreVote(VoteRequest r) {
        boolean grant = r.term() > term && !inLease() && upToDate(r);
        env.send(r.from(), new VoteReply(grant ? r.term() : term, self, grant, true));
    }

    private void handleVote(VoteRequest r) {
        boolean grant = !inLease() && (votedFor == null || votedFor.equals(r.from())) && upToDate(r);
        if (grant) {
            votedFor = r.from();
            store.persist(term, votedFor); // durable before the reply leaves
            resetElectionDeadline();
        }
        env.send(r.from(), new VoteReply(term, self, grant, false));
    }

    private void handleVoteReply(VoteReply v) {
        if (!members.contains(v.from())) {
            return;
        }
        if (v.preVote()) {
            if (role == Role.PRE_CANDIDATE && v.granted() && v.term() == term + 1) {
                votes.add(v.from());
                if (hasVoteQuorum()) {
                    campaign();
                }
            }
        } else if (role == Role.CANDIDATE && v.granted() && v.term() == term) {
            votes.add(v.from());
            if (hasVoteQuorum()) {
                becomeLeader();
            }
        }
    }

    private void preCampaign() {
        setRole(Role.PRE_CANDIDATE, null);
        votes.clear();
        votes.add(self);
        resetElectionDeadline();
        armElectionTimer();
        if (hasVoteQuorum()) {
            campaign();
            return;
        }
        broadcastVoteRequest(term + 1, true);
    }

    private void campaign() {
        term++;
        votedFor = self;
        store.persist(term, votedFor);
        verifiedIndex = 0;
        lastAcked = 0;
        setRole(Role.CANDIDATE, null);
        votes.clear();
        votes.add(self);
        resetElectionDeadline();
        armElectionTimer();
        if (hasVoteQuorum()) {
            becomeLeader();
            return;
        }
        broadcastVoteRequest(term, false);
    }

    private void broadcastVoteRequest(long requestTerm, boolean preVote) {
        long lastIndex = log.lastIndex();
        VoteRequest r = new VoteRequest(requestTerm, self, lastIndex, log.termAt(lastIndex), preVote);
        for (String peer : members) {
            if (!peer.equals(self)) {
                env.send(peer, r);
            }
        }
    }

    /** Votes count only from members (a leaving node may campaign but does not vote for itself). */
    private boolean hasVoteQuorum() {
        int count = 0;
        for (String v : votes) {
            if (members.contains(v)) {
                count++;
            }
        }
        return hasQuorum(count);
    }

    /**
     * A member campaigns; so does a node whose latest set leaves it out while that set is not known
     * to be committed (thesis §4.2.2: it may still be needed to commit it).
     */
    private boolean mayCampaign() {
        return members.contains(self) || (!memberSets.isEmpty() && memberSets.lastKey() > commitIndex);
    }

    private boolean hasQuorum(int count) {
        return count > members.size() / 2;
    }

    private void becomeLeader() {
        cancelElectionTimer();
        long now = env.nowMillis();
        progress.clear();
        for (String peer : members) {
            if (!peer.equals(self)) {
                progress.put(peer, new Progress(peer, log.lastIndex() + 1, now));
            }
        }
        ready = false;
        // entries of older terms commit only through one of this term (Raft §5.4.2)
        noopIndex = log.lastIndex() + 1;
        log.appendLeader(new LogEntry(noopIndex, term, OpType.NOOP, "", "", 0, ""));
        setRole(Role.LEADER, self);
        for (Progress p : progress.values()) {
            sendAppend(p, true);
        }
        heartbeatTimer = schedule(options.heartbeatMillis(), this::onHeartbeat);
        quorumTimer = schedule(options.quorumCheckMillis(), this::onQuorumCheck);
        maybeCommit();
    }

    private void becomeFollower(long newTerm, String leader) {
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            store.persist(term, null);
            verifiedIndex = 0;
            lastAcked = 0;
        }
        if (role == Role.LEADER) {
            cancelLeaderTimers();
            progress.clear();
        }
        votes.clear();
        setRole(Role.FOLLOWER, leader);
        resetElectionDeadline();
        armElectionTimer();
    }

    private void setRole(Role newRole, String leader) {
        boolean changed = newRole != role || !java.util.Objects.equals(leader, leaderId);
        role = newRole;
        leaderId = leader;
        if (changed) {
            listener.roleChanged(role, term, leaderId);
        }
    }

    private void resetElectionDeadline() {
        long t = options.electionTimeoutMillis();
        electionDeadline = env.nowMillis() + t + env.randomLong(t);
    }

    private void armElectionTimer() {
        if (electionTimer == null) {
            electionTimer = schedule(Math.max(0, electionDeadline - env.nowMillis()), this::onElectionTimer);
        }
    }

    private void cancelElectionTimer() {
        if (electionTimer != null) {
            electionTimer.cancel();
            electionTimer = null;
        }
    }

    private void onElectionTimer() {
        electionTimer = null;
        if (role == Role.LEADER) {
            return;
        }
        long now = env.nowMillis();
        if (now < electionDeadline) {
            armElectionTimer(); // the deadline moved since the timer was set
            return;
        }
        if (mayCampaign()) {
            preCampaign();
        } else {
            resetElectionDeadline();
            armElectionTimer();
        }
    }

    private void answerStale(RaftMessage m) {
        // a stale reply needs no answer; a stale request tells its sender our newer term
        if (m instanceof VoteRequest r) {
            env.send(r.from(), new VoteReply(term, self, false, r.preVote()));
        } else if (m instanceof AppendEntries a) {
            env.send(a.from(), new AppendReply(term, self, false, log.lastIndex()));
        } else if (m instanceof InstallSnapshot s) {
            env.send(s.from(), new InstallSnapshotReply(term, self, s.lastIncludedIndex(), 0, false));
        }
    }

    // ---------------------------------------------------------------- leader

    private void cancelLeaderTimers() {
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel();
            heartbeatTimer = null;
        }
        if (quorumTimer != null) {
            quorumTimer.cancel();
            quorumTimer = null;
        }
    }

    private void onHeartbeat() {
        heartbeatTimer = null;
        if (role != Role.LEADER) {
            return;
        }
        long now = env.nowMillis();
        long stall = 2 * options.heartbeatMillis();
        for (Progress p : progress.values()) {
            switch (p.state) {
                case SNAPSHOT -> {
                    if (now - p.sentAt >= stall) {
                        sendSnapshot(p); // the chunk or its reply was lost
                    }
                }
                case PROBE -> sendAppend(p, true);
                case REPLICATE -> {
                    if (!p.inflight.isEmpty() && now - p.ackAt >= stall) {
                        toProbe(p, p.match + 1); // a batch or its ack was lost
                        sendAppend(p, true);
                    } else {
                        sendHeartbeat(p);
                        sendMore(p);
                    }
                }
            }
        }
        heartbeatTimer = schedule(options.heartbeatMillis(), this::onHeartbeat);
    }

    private void onQuorumCheck() {
        quorumTimer = null;
        if (role != Role.LEADER) {
            return;
        }
        long now = env.nowMillis();
        int recent = members.contains(self) ? 1 : 0;
        for (Progress p : progress.values()) {
            if (now - p.lastContact < options.quorumCheckMillis()) {
                recent++;
            }
        }
        if (!hasQuorum(recent)) {
            becomeFollower(term, null); // check quorum: a cut-off leader stops taking writes
            return;
        }
        quorumTimer = schedule(options.quorumCheckMillis(), this::onQuorumCheck);
    }

    private void toProbe(Progress p, long next) {
        p.state = ReplicationState.PROBE;
        p.inflight.clear();
        p.snapshot = null;
        p.next = Math.max(1, next);
    }

    private void sendHeartbeat(Progress p) {
        long prevTerm = log.termAt(p.match);
        if (prevTerm < 0) {
            toProbe(p, p.match + 1);
            sendAppend(p, true);
            return;
        }
        env.send(p.peer, new AppendEntries(term, self, p.match, prevTerm, List.of(), commitIndex));
        p.sentCommit = commitIndex;
    }

    private void sendMore(Progress p) {
        if (holdsForBatch(p)) {
            return;
        }
        while (p.state == ReplicationState.REPLICATE
                && p.inflight.size() < inflightLimit(p)
                && p.next <= log.lastIndex()) {
            if (!sendAppend(p, false)) {
                return;
            }
        }
    }

    /** {@link RaftOptions#maxInflight}, or {@link RaftOptions#maxInflightBehind} for a follower a full batch behind. */
    private int inflightLimit(Progress p) {
        return log.lastIndex() - p.next + 1 >= options.maxEntriesPerAppend()
                ? options.maxInflightBehind()
                : options.maxInflight();
    }

    /**
     * Under load ({@link RaftOptions#batchLingerMillis}): after a batch of at least {@link
     * RaftOptions#lingerAfterEntries} entries, the next waits up to the linger for more, unless a
     * full batch is ready. Nothing left to send means the load is over: the next entry ships at once.
     */
    private boolean holdsForBatch(Progress p) {
        if (options.batchLingerMillis() <= 0
                || p.lingerOver
                || p.state != ReplicationState.REPLICATE
                || !p.inflight.isEmpty()) {
            return false;
        }
        long ready = log.lastIndex() - p.next + 1;
        if (ready <= 0) {
            p.lastBatch = 0;
            return false;
        }
        if (p.lastBatch < options.lingerAfterEntries() || ready >= options.maxEntriesPerAppend()) {
            return false;
        }
        if (p.lingerTimer == null) {
            p.lingerTimer = schedule(options.batchLingerMillis(), () -> {
                p.lingerTimer = null;
                if (role == Role.LEADER && progress.get(p.peer) == p) {
                    p.lingerOver = true;
                    sendMore(p);
                    p.lingerOver = false;
                }
            });
        }
        return true;
    }

    /** Sends entries from {@code p.next} (or a snapshot); false when nothing was sent. */
    private boolean sendAppend(Progress p, boolean allowEmpty) {
        long prev = p.next - 1;
        long prevTerm = log.termAt(prev);
        if (prev < log.snapshotIndex() || prevTerm < 0) {
            if (log.snapshot() == null) {
                return false;
            }
            sendSnapshot(p);
            return true;
        }
        List<LogEntry> entries = p.next <= log.lastIndex()
                ? log.read(p.next, options.maxEntriesPerAppend(), options.maxBytesPerAppend())
                : List.of();
        if (entries.isEmpty() && !allowEmpty) {
            return false;
        }
        env.send(p.peer, new AppendEntries(term, self, prev, prevTerm, entries, commitIndex));
        p.sentCommit = commitIndex;
        p.sentAt = env.nowMillis();
        if (!entries.isEmpty() && p.state == ReplicationState.REPLICATE) {
            if (p.inflight.isEmpty()) {
                p.ackAt = p.sentAt;
            }
            long last = entries.get(entries.size() - 1).index();
            p.lastBatch = entries.size();
            p.inflight.addLast(last);
            p.next = last + 1;
        }
        return true;
    }

    private void sendSnapshot(Progress p) {
        if (p.state != ReplicationState.SNAPSHOT || p.snapshot == null) {
            p.state = ReplicationState.SNAPSHOT;
            p.inflight.clear();
            p.snapshot = log.snapshot();
            p.snapshotOffset = 0;
        }
        SnapshotSource s = p.snapshot;
        int length = (int) Math.min(options.maxBytesPerAppend(), s.size() - p.snapshotOffset);
        byte[] chunk = s.read(p.snapshotOffset, length);
        boolean done = p.snapshotOffset + chunk.length >= s.size();
        env.send(p.peer, new InstallSnapshot(term, self, s.index(), s.term(), p.snapshotOffset, chunk, done));
        p.sentAt = env.nowMillis();
    }

    private void handleAppendReply(AppendReply r) {
        Progress p = role == Role.LEADER ? progress.get(r.from()) : null;
        if (p == null) {
            return;
        }
        p.lastContact = env.nowMillis();
        if (r.success()) {
            if (r.matchIndex() > p.match) {
                p.match = r.matchIndex();
                p.ackAt = p.lastContact;
            }
            while (!p.inflight.isEmpty() && p.inflight.peekFirst() <= p.match) {
                p.inflight.pollFirst();
            }
            if (p.state == ReplicationState.PROBE) {
                p.state = ReplicationState.REPLICATE;
                p.next = p.match + 1;
            } else if (p.state == ReplicationState.REPLICATE) {
                p.next = Math.max(p.next, p.match + 1);
            }
            maybeCommit();
            sendMore(p);
            if (options.commitNotices()
                    && p.state == ReplicationState.REPLICATE
                    && p.inflight.isEmpty()
                    && p.sentCommit < commitIndex) {
                // it holds all it was sent but was told an older commit index (the commit notice
                // skipped it while its acks were behind): tell it now, not at the next heartbeat
                sendHeartbeat(p);
            }
        } else if (p.state != ReplicationState.SNAPSHOT) {
            // the hint is the follower's last index that may match; below match it lost entries
            long hint = r.matchIndex();
            p.match = Math.min(p.match, hint);
            toProbe(p, Math.min(hint + 1, log.lastIndex() + 1));
            sendAppend(p, true);
        }
    }

    private void handleSnapshotReply(InstallSnapshotReply r) {
        Progress p = role == Role.LEADER ? progress.get(r.from()) : null;
        if (p == null) {
            return;
        }
        p.lastContact = env.nowMillis();
        if (p.state != ReplicationState.SNAPSHOT || p.snapshot == null || r.lastIncludedIndex() != p.snapshot.index()) {
            return;
        }
        if (r.done()) {
            p.match = Math.max(p.match, r.lastIncludedIndex());
            p.ackAt = p.lastContact;
            toProbe(p, p.match + 1);
            maybeCommit();
            sendAppend(p, true);
        } else if (r.nextOffset() != p.snapshotOffset || env.nowMillis() - p.sentAt >= options.heartbeatMillis()) {
            p.snapshotOffset = Math.min(r.nextOffset(), p.snapshot.size());
            sendSnapshot(p);
        }
    }

    private void maybeCommit() {
        if (role != Role.LEADER) {
            return;
        }
        long[] matches = new long[members.size()];
        int n = 0;
        for (String m : members) {
            if (m.equals(self)) {
                matches[n++] = durableIndex;
            } else {
                Progress p = progress.get(m);
                matches[n++] = p == null ? 0 : p.match;
            }
        }
        Arrays.sort(matches);
        long candidate = matches[n - (n / 2 + 1)]; // the highest index a majority holds
        if (candidate > commitIndex && log.termAt(candidate) == term) {
            advanceCommit(candidate);
        }
        if (!members.contains(self) && !memberSets.isEmpty() && commitIndex >= memberSets.lastKey()) {
            becomeFollower(term, null); // its removal is committed: the others go on without it
            return;
        }
        if (!ready && commitIndex >= noopIndex) {
            ready = true;
            listener.leaderReady(term, noopIndex);
        }
    }

    private void advanceCommit(long index) {
        if (index > commitIndex) {
            commitIndex = index;
            listener.commitAdvanced(commitIndex);
            if (role == Role.LEADER && options.commitNotices() && !commitNoticePending) {
                // followers apply (majority mode) once they know: tell them now, not at the next
                // heartbeat; queued behind what the thread has to do, so one notice covers a burst.
                // Without notices the index travels with the next append or heartbeat.
                commitNoticePending = true;
                schedule(0, this::sendCommitNotices);
            }
        }
    }

    /**
     * An empty append to each follower that has not been sent the newest commit index and has no
     * batch in flight. One with a batch in flight learns it from what its ack brings about: the next
     * batch, or the notice {@link #handleAppendReply} sends once nothing is left in flight. Under load
     * that spares a notice and its ack per commit and follower (majority mode's commits come one per
     * batch) at the cost of at most a round trip.
     */
    private void sendCommitNotices() {
        commitNoticePending = false;
        if (role != Role.LEADER) {
            return;
        }
        for (Progress p : progress.values()) {
            if (p.state == ReplicationState.REPLICATE && p.sentCommit < commitIndex && p.inflight.isEmpty()) {
                sendHeartbeat(p);
            }
        }
    }

    // ---------------------------------------------------------------- follower

    private void followLeader(String leader) {
        if (role == Role.LEADER) {
            throw new IllegalStateException(
                    self + " leads term " + term + " and got entries from " + leader + " in the same term");
        }
        if (role != Role.FOLLOWER || !leader.equals(leaderId)) {
            votes.clear();
            setRole(Role.FOLLOWER, leader);
        }
        lastLeaderContact = env.nowMillis();
        resetElectionDeadline();
        armElectionTimer();
    }

    private void handleAppend(AppendEntries a) {
        long prev = a.prevLogIndex();
        for (int i = 0; i < a.entries().size(); i++) {
            LogEntry e = a.entries().get(i);
            if (e.index() != prev + 1 + i || e.term() > a.term() || e.term() < 0) {
                return; // not something a leader sends: drop it rather than corrupt the log
            }
        }
        if (prev < 0) {
            return;
        }
        followLeader(a.from());
        long snap = log.snapshotIndex();
        if (prev > log.lastIndex()) {
            reply(a.from(), false, log.lastIndex());
            return;
        }
        if (prev > snap && log.termAt(prev) != a.prevLogTerm()) {
            reply(a.from(), false, conflictHint(prev, a.prevLogTerm()));
            return;
        }
        // entries up to the snapshot index are committed, so they match whatever the leader says
        List<LogEntry> entries = a.entries();
        int first = -1;
        for (int i = 0; i < entries.size(); i++) {
            LogEntry e = entries.get(i);
            if (e.index() <= snap) {
                continue;
            }
            if (e.index() <= log.lastIndex()) {
                if (log.termAt(e.index()) == e.term()) {
                    continue;
                }
                truncate(e.index() - 1);
            }
            first = i;
            break;
        }
        if (first >= 0) {
            List<LogEntry> added = entries.subList(first, entries.size());
            log.appendFollower(added, this::onDurable);
            boolean changed = false;
            for (LogEntry e : added) {
                if (e.type() == OpType.CONFIG) {
                    memberSets.put(e.index(), membersOf(e.value()));
                    changed = true;
                }
            }
            if (changed) {
                switchMembers();
            }
        }
        long lastNew = prev + entries.size();
        verifiedIndex = Math.max(verifiedIndex, lastNew);
        // everything up to verifiedIndex matches this leader's log (one leader per term, whose log
        // only grows), so a commit notice whose prevLogIndex lags what an earlier append of the term
        // delivered still commits it; capping at lastNew alone made such a write wait for the next
        // heartbeat before a majority-mode follower applied it
        long newCommit = Math.min(a.leaderCommit(), verifiedIndex);
        if (newCommit > commitIndex) {
            advanceCommit(newCommit);
        }
        long ack = Math.min(verifiedIndex, durableIndex);
        if (entries.isEmpty() || ack >= lastNew) {
            reply(a.from(), true, ack);
        }
        // otherwise the durability callback answers
    }

    /** The highest index at or below {@code prev} that may still match the leader's log. */
    private long conflictHint(long prev, long prevTerm) {
        long snap = log.snapshotIndex();
        long i = prev;
        while (i > snap && log.termAt(i) > prevTerm) {
            i--; // entries newer than the leader's at prev cannot match it
        }
        if (i == prev) {
            long t = log.termAt(i); // older than the leader's: skip that whole term
            while (i > snap && log.termAt(i) == t) {
                i--;
            }
        }
        return i;
    }

    private void truncate(long after) {
        if (after < commitIndex) {
            throw new IllegalStateException(
                    self + " asked to drop committed entries after " + after + " (commit " + commitIndex + ")");
        }
        long dropped = log.truncateAfter(after);
        durableIndex = Math.min(durableIndex, after);
        verifiedIndex = Math.min(verifiedIndex, after);
        lastAcked = Math.min(lastAcked, after);
        if (dropped > 0) {
            listener.truncated(after + 1, dropped);
        }
        if (!memberSets.isEmpty() && memberSets.lastKey() > after) {
            memberSets.tailMap(after, false).clear(); // back to the set the log holds now
            switchMembers();
        }
    }

    private void onDurable(long lastIndex) {
        durableIndex = Math.max(durableIndex, Math.min(lastIndex, log.lastIndex()));
        if (role == Role.LEADER) {
            maybeCommit();
            for (Progress p : progress.values()) {
                sendMore(p);
            }
        } else if (role == Role.FOLLOWER && leaderId != null && !ackPending) {
            // one ack for every durability report already queued on this thread (a group commit
            // completes several appends at once): the zero-delay task runs after them
            ackPending = true;
            schedule(0, this::sendDurableAck);
        }
    }

    /** A follower acknowledges what is durable now, unless an ack already said so. */
    private void sendDurableAck() {
        ackPending = false;
        if (role == Role.FOLLOWER && leaderId != null) {
            long ack = Math.min(verifiedIndex, durableIndex);
            if (ack > lastAcked) {
                reply(leaderId, true, ack);
            }
        }
    }

    private void reply(String leader, boolean success, long index) {
        if (success) {
            lastAcked = Math.max(lastAcked, index);
        }
        env.send(leader, new AppendReply(term, self, success, index));
    }

    private void handleSnapshot(InstallSnapshot s) {
        followLeader(s.from());
        long index = s.lastIncludedIndex();
        long end = s.offset() + s.chunk().length;
        if (index <= commitIndex || (index <= log.lastIndex() && log.termAt(index) == s.lastIncludedTerm())) {
            // everything the snapshot covers is here already (log matching)
            verifiedIndex = Math.max(verifiedIndex, index);
            advanceCommit(index);
            env.send(s.from(), new InstallSnapshotReply(term, self, index, end, true));
            return;
        }
        long next = log.receiveSnapshotChunk(index, s.lastIncludedTerm(), s.chunk(), s.offset());
        if (!s.done() || next != end) {
            env.send(s.from(), new InstallSnapshotReply(term, self, index, next, false));
            return;
        }
        long oldLast = log.lastIndex();
        log.installSnapshot(index, s.lastIncludedTerm());
        if (oldLast > index) {
            listener.truncated(index + 1, oldLast - index);
        }
        durableIndex = index;
        verifiedIndex = index;
        lastAcked = Math.min(lastAcked, index);
        listener.snapshotInstalled(index, s.lastIncludedTerm());
        memberSets.clear();
        memberSets.putAll(log.memberSets());
        switchMembers();
        commitIndex = Math.max(commitIndex, index);
        listener.commitAdvanced(commitIndex);
        env.send(s.from(), new InstallSnapshotReply(term, self, index, end, true));
    }

    /** A leader's bookkeeping for one follower. */
    private static final class Progress {
        final String peer;
        long match;
        long next;
        long lastContact;
        long sentAt;
        long ackAt;
        ReplicationState state = ReplicationState.PROBE;
        final ArrayDeque<Long> inflight = new ArrayDeque<>();
        SnapshotSource snapshot;
        long snapshotOffset;
        /** Entries in the last batch sent; how long a wait for the next is, see {@link #holdsForBatch}. */
        int lastBatch;

        Cancellable lingerTimer;
        /** Set while the linger's timer sends what gathered (so that it is not held again). */
        boolean lingerOver;
        /** The highest commit index sent to it. */
        long sentCommit;

        Progress(String peer, long next, long now) {
            this.peer = peer;
            this.next = next;
            this.lastContact = now;
            this.ackAt = now;
        }
    }
}
