package io.nundb.cluster;

import io.nundb.cluster.raft.FileRaftStateStore;
import io.nundb.cluster.raft.RaftListener;
import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftNode;
import io.nundb.cluster.raft.RaftOptions;
import io.nundb.command.ClusterView;
import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.command.WritePlacement;
import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.storage.ApplyPolicy;
import io.nundb.storage.Databases;
import io.nundb.storage.WritePipeline;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's part in the cluster: runs the {@link RaftNode} on its own thread over the node's op
 * log, decides where writes go ({@link WritePlacement}), forwards writes to the primary, answers
 * the primary's side of forwarded writes, drives when entries are applied (the ack mode) and
 * renders {@code cluster-state}.
 *
 * <p>Threads: Raft inputs run on {@code nundb-raft-<id>}; committed entries are applied (majority
 * mode) on {@code nundb-apply-<id>}; {@link #place} and {@link #forward} run
 * on the command's thread and never block; peer traffic arrives on transport threads and is posted
 * to the Raft thread; the op log's writer thread reports what it wrote.
 */
public final class ClusterNode implements RaftListener, PeerTransport.Inbound, WritePlacement, ClusterView {

    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    /** The reply a node that is not (or no longer) the ready primary gives a forwarded write. */
    static final String NOT_PRIMARY = "not the primary";

    private static final Pattern MEMBER_ADDRESS = Pattern.compile("[^\\s:,]+:\\d{1,5}");

    private final ClusterOptions options;
    private final OpLog opLog;
    private final Databases databases;
    private final WritePipeline pipeline;
    private final PeerTransport transport;
    private final RaftThread raftThread;
    private final OpLogRaftLog raftLog;
    private final RaftNode raft;
    private final StateResync resync;
    private final CommitApplier applier;
    private volatile CommandExecutor executor;
    private volatile java.util.function.LongConsumer readyPrimaryHook = i -> {};

    // written in the Raft thread's turn, read anywhere
    private volatile RaftNode.Role role = RaftNode.Role.FOLLOWER;
    private volatile long term;
    private volatile String leader;
    private volatile boolean leaderReady;
    private volatile long commitIndex;
    private volatile List<RaftNode.PeerProgress> progress = List.of();
    private volatile Set<String> members;
    private volatile long lastLeaderContactNanos;
    private volatile CompletableFuture<Void> changed = new CompletableFuture<>();

    // in the Raft thread's turn only: whether a member change is on its way into the log, and the answers of
    // those in it, by index
    private boolean memberChangeStoring;
    private volatile java.util.function.Consumer<Set<String>> membersObserver = m -> {};
    private final TreeMap<Long, CompletableFuture<Response>> memberChangeAnswers = new TreeMap<>();

    private final AtomicLong elections = new AtomicLong();
    private final AtomicLong leaderChanges = new AtomicLong();
    private final AtomicLong truncatedEntries = new AtomicLong();
    private final AtomicLong forwardedWrites = new AtomicLong();
    private final AtomicLong forwardFailures = new AtomicLong();
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();

    /**
     * Answers of writes decided here that are not given yet. A majority-mode write waits for its
     * entry to commit; if this node loses the lead first (deposed, or cut off from the majority)
     * nothing here may ever settle it, so it is answered as unknown after {@code writeWait}.
     */
    private final Set<CompletableFuture<Response>> pendingHere = ConcurrentHashMap.newKeySet();

    // the leader's own writes reach Raft coalesced: one task in flight at a time
    private final AtomicBoolean writtenPosted = new AtomicBoolean();
    // when the op log last wrote (its writer thread), for the replication latency
    private volatile long lastWrittenNanos = System.nanoTime();

    // in the Raft thread's turn only: when entries became durable here, to time how long a majority takes
    private final TreeMap<Long, Long> durableAt = new TreeMap<>();
    // in the Raft thread's turn only: the index up to which the op log's entry cache was released
    private long cacheReleasedThrough = -1;
    private final ReplicationLatency latency = new ReplicationLatency();

    /**
     * @param dataDir where the persisted term and vote live ({@code raft/} under it)
     */
    public ClusterNode(
            ClusterOptions options,
            Path dataDir,
            OpLog opLog,
            SnapshotStore snapshots,
            Databases databases,
            String adminPassword,
            PeerTransport transport) {
        this.options = options;
        this.opLog = opLog;
        this.databases = databases;
        this.pipeline = databases.pipeline();
        this.transport = transport;
        this.raftThread = new RaftThread(options.self(), transport);
        this.raftLog = new OpLogRaftLog(
                opLog, snapshots, pipeline, raftThread, this::onLeaderWritten, databases.stateMachine());
        FileRaftStateStore store = new FileRaftStateStore(dataDir.resolve("raft"));
        this.raft =
                new RaftNode(options.self(), options.members(), raftOptions(options), raftThread, store, raftLog, this);
        // the member set the log holds wins over the configured one (changed by join/leave since)
        this.members = raft.members();
        this.term = store.currentTerm();
        this.applier = new CommitApplier(options.self(), pipeline);
        this.resync = new StateResync(databases, opLog, snapshots, adminPassword);
    }

    static final long LAZY_LINGER_MILLIS = 1;

    static final int LAZY_LINGER_AFTER = 8;

    /**
     * Both modes keep one batch in flight per follower, so that what the primary writes while a
     * batch travels goes out as the next batch: fewer, larger batches, and a follower's CPU goes
     * mostly per batch (a frame, several thread hand-offs, an op-log write, an ack). On two cores
     * shared by three nodes that CPU is what majority mode's throughput is made of: eight batches in
     * flight cost the followers 6–8 µs per write against 4–5 with one, and majority's throughput
     * was 0.46–0.57× a single node's against 0.58–0.64× with one (docs/benchmarks.md). Majority
     * mode also sends a commit notice at once, since every write (and a secondary's watchers) waits
     * for it. Lazy mode, where nothing waits for acks or commits, sends no notices (lazy followers
     * apply what is durable; the commit index travels with the next append or heartbeat; a notice
     * and its ack would double the messages per batch). Under
     * load (a batch of {@value #LAZY_LINGER_AFTER} or more) the next batch also waits up to {@value
     * #LAZY_LINGER_MILLIS} ms for more: paced writes, whose batches are small, never wait.
     */
    static RaftOptions raftOptions(ClusterOptions options) {
        RaftOptions base = RaftOptions.forNode(options.electionTimeout().toMillis());
        return options.ack() == AckMode.MAJORITY
                ? base.withMaxInflight(1)
                : base.withCommitNotices(false)
                        .withMaxInflight(1)
                        .withBatchLinger(
                                base.heartbeatMillis() > LAZY_LINGER_MILLIS ? LAZY_LINGER_MILLIS : 0,
                                LAZY_LINGER_AFTER);
    }

    /**
     * Told, on the Raft thread (it must hand its work off at once), each time this node becomes the
     * ready primary, with the index of its term's no-op.
     */
    public void onReadyPrimary(java.util.function.LongConsumer hook) {
        this.readyPrimaryHook = hook == null ? i -> {} : hook;
    }

    /** Test seam: the thread that applies committed entries in majority mode. */
    CommitApplier applier() {
        return applier;
    }

    /** The engine that runs forwarded commands on this node when it is the primary. */
    public void executor(CommandExecutor e) {
        this.executor = e;
    }

    /** Starts taking part: follower mode, the apply policy of the ack mode, peer links, timers. */
    public void start() {
        opLog.beginTerm(Math.max(opLog.currentTerm(), term), false);
        pipeline.term(opLog.currentTerm());
        pipeline.applyPolicy(options.ack() == AckMode.MAJORITY ? ApplyPolicy.EXTERNAL : ApplyPolicy.ON_DURABLE);
        pipeline.localWrites(false, NOT_PRIMARY);
        opLog.onWritten(this::onWritten);
        opLog.oldestIndexStillNeeded(this::oldestNeeded);
        if (!members.equals(options.members())) {
            log.warn(
                    "{}: members {} from the log (join/leave) differ from the configured {}; the log's are used",
                    options.self(),
                    members,
                    options.members());
        }
        transport.start(this);
        for (String peer : members) {
            if (!peer.equals(options.self())) {
                transport.connect(peer);
            }
        }
        raftThread.execute(raft::start);
        raftThread.execute(this::refreshProgress);
        log.info(
                "Cluster node {} started: members {}, ack {}, election timeout {} ms",
                options.self(),
                members,
                options.ack().name().toLowerCase(),
                options.electionTimeout().toMillis());
    }

    /** Stops taking part (the op log is closed by the node). */
    public void close() {
        raftThread.execute(raftLog::close);
        raftThread.close();
        applier.close();
        transport.close();
        changed.completeExceptionally(new IllegalStateException("node closed"));
    }

    // ------------------------------------------------------------------ Raft listener (Raft thread)

    @Override
    public void roleChanged(RaftNode.Role newRole, long newTerm, String newLeader) {
        RaftNode.Role was = role;
        String previousLeader = leader;
        role = newRole;
        term = newTerm;
        leader = newLeader;
        if (newRole != RaftNode.Role.LEADER) {
            leaderReady = false;
            if (was == RaftNode.Role.LEADER) {
                pendingHere.forEach(this::expireLater);
                // its index may yet hold another entry, so a later commit there says nothing of it
                memberChangeAnswers
                        .values()
                        .forEach(a -> a.complete(Response.error(
                                ErrorCode.OUTCOME_UNKNOWN,
                                "this node stopped being the primary before the member change committed;"
                                        + " it may or may not have been applied (see cluster-state)")));
                memberChangeAnswers.clear();
            }
            if (opLog.isLeader() || opLog.currentTerm() < newTerm) {
                opLog.beginTerm(Math.max(opLog.currentTerm(), newTerm), false);
            }
        }
        pipeline.term(Math.max(opLog.currentTerm(), newTerm));
        // a safety net under the placement port: only the primary decides writes
        pipeline.localWrites(newRole == RaftNode.Role.LEADER, NOT_PRIMARY);
        if (newRole == RaftNode.Role.CANDIDATE && was != RaftNode.Role.CANDIDATE) {
            elections.incrementAndGet();
        }
        if (newLeader != null && !newLeader.equals(previousLeader)) {
            leaderChanges.incrementAndGet();
            lastLeaderContactNanos = System.nanoTime();
        }
        if (newRole != was || !Objects.equals(newLeader, previousLeader)) {
            log.info(
                    "{} is {} in term {}{}",
                    options.self(),
                    newRole.name().toLowerCase(),
                    newTerm,
                    newLeader == null ? ", no primary known" : ", primary " + newLeader);
        }
        durableAt.clear();
        // a new leader caches from its next write; a follower caches nothing
        cacheReleasedThrough = -1;
        opLog.releaseCacheThrough(Long.MAX_VALUE);
        signal();
    }

    @Override
    public void commitAdvanced(long index) {
        commitIndex = index;
        while (!memberChangeAnswers.isEmpty() && memberChangeAnswers.firstKey() <= index) {
            memberChangeAnswers.pollFirstEntry().getValue().complete(Response.ok());
        }

        if (options.ack() == AckMode.MAJORITY) {
            applier.committed(index);
        }
        if (role == RaftNode.Role.LEADER) {
            long now = System.nanoTime();
            while (!durableAt.isEmpty() && durableAt.firstKey() <= index) {
                latency.record(now - durableAt.pollFirstEntry().getValue());
            }
        } else {
            lastLeaderContactNanos = System.nanoTime();
        }
    }

    @Override
    public void truncated(long fromIndex, long count) {
        truncatedEntries.addAndGet(count);
        log.warn(
                "{} dropped {} entries from index {} that the primary does not have", options.self(), count, fromIndex);
        if (databases.stateMachine().appliedIndex() >= fromIndex) {
            runResync("entries from index " + fromIndex + " were dropped after being applied");
        }
    }

    /**
     * The no-op committed, but the primary decides writes against memory: it must first have applied
     * everything up to it (in majority mode the apply runs on its own thread and may lag the commit,
     * and entries this node received as a follower are not in the pipeline's overlay of decisions).
     * Deciding earlier gives a key a version it already had (a lost update). Ready once applied, back
     * on the Raft thread, if still the primary of that term.
     */
    @Override
    public void leaderReady(long readyTerm, long noopIndex) {
        if (readyTerm != term || role != RaftNode.Role.LEADER) {
            return;
        }
        databases
                .stateMachine()
                .whenApplied(noopIndex)
                .thenRun(() -> raftThread.execute(() -> {
                    if (readyTerm == term && role == RaftNode.Role.LEADER && !leaderReady) {
                        leaderReady = true;
                        log.info("{} takes writes as the primary of term {}", options.self(), readyTerm);
                        signal();
                        readyPrimaryHook.accept(noopIndex);
                    }
                }));
    }

    @Override
    public void snapshotInstalled(long index, long snapshotTerm) {
        // A write still waiting here may be inside that snapshot (a new primary committed it after
        // this node lost the lead): its fate is unknown from here, so say so rather than "not applied".
        pipeline.discardAfter(
                0, "the primary's snapshot replaced this node's log; the write may or may not have been applied");
        runResync("installed the primary's snapshot at index " + index);
    }

    private void runResync(String why) {
        try {
            resync.run(why);
        } catch (Exception e) {
            log.error("Could not resynchronise memory with the log ({}); restart the node", why, e);
        }
    }

    private void signal() {
        CompletableFuture<Void> was = changed;
        changed = new CompletableFuture<>();
        was.complete(null);
    }

    /** The primary's no-op is durable (reported by its append, not by the writer): always told. */
    private void onLeaderWritten(long index) {
        lastWrittenNanos = System.nanoTime();
        postWritten();
    }

    /**
     * On the op log's writer thread: something was written; a leader ships from there, and Raft
     * counts it as durable here. Skipped while Raft has no use for it ({@link
     * RaftNode#wantsLocalReports}: a lazy primary whose followers all have a batch on its way), in
     * which case the next ack makes up for it ({@link #onMessage}).
     */
    private void onWritten(long index, long epoch) {
        lastWrittenNanos = System.nanoTime();
        if (raft.wantsLocalReports()) {
            postWritten();
        }
    }

    /**
     * Reported right here (the op log's writer or ack thread) when the Raft thread is idle: the
     * report ships the new entries and commits, neither of which waits, and a hand-off would add a
     * thread wake-up to every paced write's way to the secondaries. Else posted, coalesced.
     */
    private void postWritten() {
        if (raftThread.runHereIfIdle(this::reportHere)) {
            return;
        }
        if (writtenPosted.compareAndSet(false, true)) {
            raftThread.execute(() -> {
                writtenPosted.set(false);
                reportWritten();
                refreshProgress();
            });
        }
    }

    private boolean reportHere() {
        reportWritten();
        refreshProgress();
        return true;
    }

    /**
     * In the Raft thread's turn: what the op log holds written now is durable here. Reads the op log's
     * written index itself rather than trusting a report, which may predate a truncation (and name
     * entries appended again since, not yet written).
     */
    private void reportWritten() {
        long upTo = opLog.lastWrittenIndex();
        if (role == RaftNode.Role.LEADER) {
            Long last = durableAt.isEmpty() ? null : durableAt.lastKey();
            if (last == null || upTo > last) {
                durableAt.put(upTo, lastWrittenNanos);
            }
        }
        raft.localAppended(upTo);
    }

    private void refreshProgress() {
        progress = raft.progress();
        members = raft.members();
        commitIndex = Math.max(commitIndex, raft.commitIndex());
        if (role == RaftNode.Role.LEADER) {
            releaseCache();
        }
    }

    private long oldestNeeded() {
        if (role != RaftNode.Role.LEADER) {
            return Long.MAX_VALUE;
        }
        long oldest = Long.MAX_VALUE;
        for (RaftNode.PeerProgress p : progress) {
            oldest = Math.min(oldest, p.matchIndex() + 1);
        }
        return oldest;
    }

    // ------------------------------------------------------------------ peer traffic (transport threads)

    /**
     * On a transport thread (an event loop). A follower's append that only extends its log is
     * handled right here when the Raft thread is idle ({@link RaftThread#runHereIfIdle}): it queues
     * the entries for the op log's writer and may answer, never waits, and a hand-off to the Raft
     * thread would add a thread wake-up to every write's way to this node's watchers. Anything else
     * (or an append while the Raft thread is busy) is posted.
     */
    @Override
    public void onMessage(RaftMessage message) {
        lastHeard.put(message.from(), System.nanoTime());
        if (message instanceof RaftMessage.AppendEntries && raftThread.runHereIfIdle(() -> appendHere(message))) {
            return;
        }
        raftThread.execute(() -> handle(message));
    }

    /** In the Raft thread's turn: handles an append that cannot block, or returns false. */
    private boolean appendHere(RaftMessage message) {
        // the op log already in the message's term as a follower: no term record to write
        if (!raft.onlyAppends(message) || opLog.isLeader() || opLog.currentTerm() < message.term()) {
            return false;
        }
        handle(message);
        return true;
    }

    /** In the Raft thread's turn. */
    private void handle(RaftMessage message) {
        if (message instanceof RaftMessage.AppendReply && role == RaftNode.Role.LEADER) {
            reportWritten(); // what onWritten did not report counts in the commit this ack may make
        }
        raft.handle(message);
        if (message instanceof RaftMessage.AppendEntries || message instanceof RaftMessage.AppendReply) {
            if (role != RaftNode.Role.LEADER) {
                lastLeaderContactNanos = System.nanoTime();
                commitIndex = Math.max(commitIndex, raft.commitIndex());
            } else {
                progress = raft.progress();
                commitIndex = raft.commitIndex();
                releaseCache();
            }
        }
    }

    /**
     * The op log's cache of recent entries serves the followers' next batches: what every follower
     * has is dropped, so that it holds only the entries on their way (see {@link
     * OpLog#releaseCacheThrough}). In the Raft thread's turn.
     */
    private void releaseCache() {
        long oldest = oldestNeeded();
        long through = oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest - 1;
        if (through > cacheReleasedThrough) {
            cacheReleasedThrough = through;
            opLog.releaseCacheThrough(through);
        }
    }

    @Override
    public CompletableFuture<ForwardReply> onForward(ForwardRequest request) {
        CommandExecutor engine = executor;
        if (engine == null || !isReadyPrimary()) {
            return CompletableFuture.completedFuture(
                    new ForwardReply(ForwardedResponse.encode(Response.error(ErrorCode.NO_PRIMARY, NOT_PRIMARY)), 0));
        }
        Session session = Session.forwarded(request.db(), request.user(), request.admin());
        return engine.execute(session, request.command())
                .thenApply(r -> new ForwardReply(
                        ForwardedResponse.encode(r), databases.stateMachine().appliedIndex()));
    }

    // ------------------------------------------------------------------ write placement (command threads)

    private boolean isReadyPrimary() {
        return role == RaftNode.Role.LEADER && leaderReady;
    }

    @Override
    public Placement place(Session session, Command.Mutating command) {
        if (isReadyPrimary()) {
            return HERE;
        }
        if (Session.FORWARDED.equals(session.transport())) {
            return new Refuse(NOT_PRIMARY); // a forwarded write is never forwarded again
        }
        String primary = leader;
        return new Forward(primary == null || primary.equals(options.self()) ? "" : primary);
    }

    @Override
    public CompletableFuture<Response> forward(Session session, String primary, String commandText) {
        long deadline = System.nanoTime() + options.writeWait().toNanos();
        return attempt(session, commandText, deadline);
    }

    private CompletableFuture<Response> attempt(Session session, String text, long deadline) {
        CommandExecutor engine = executor;
        if (isReadyPrimary() && engine != null) {
            return engine.execute(session, text);
        }
        String target = leader;
        CompletableFuture<Void> next = changed;
        if (target == null || target.equals(options.self()) || !transport.isConnected(target)) {
            return waitForChange(next, deadline)
                    .thenCompose(ok ->
                            ok ? attempt(session, text, deadline) : CompletableFuture.completedFuture(noPrimary()));
        }
        forwardedWrites.incrementAndGet();
        ForwardRequest request = new ForwardRequest(session.db(), session.user(), session.isAdmin(), text);
        return transport
                .forward(target, request)
                .handle((reply, failure) -> {
                    if (failure != null) {
                        forwardFailures.incrementAndGet();
                        return CompletableFuture.completedFuture(Response.error(
                                ErrorCode.OUTCOME_UNKNOWN,
                                "primary " + target
                                        + " could not be reached; the write may or may not have been applied: "
                                        + causeText(failure)));
                    }
                    Response response = ForwardedResponse.decode(reply.reply());
                    if (response.outcome() == Response.Outcome.ERROR && NOT_PRIMARY.equals(response.error())) {
                        // it stepped down before running it: nothing happened, so try the new primary
                        return waitForChange(next, deadline)
                                .thenCompose(ok -> ok
                                        ? attempt(session, text, deadline)
                                        : CompletableFuture.completedFuture(noPrimary()));
                    }
                    return readYourWrite(reply.index(), response, deadline);
                })
                .thenCompose(f -> f);
    }

    /** Answers once this node has applied the write too (bounded: past the deadline the primary's word stands). */
    private CompletableFuture<Response> readYourWrite(long index, Response response, long deadline) {
        CompletableFuture<Void> applied = databases.stateMachine().whenApplied(index);
        if (applied.isDone()) {
            return CompletableFuture.completedFuture(response);
        }
        long wait = Math.max(1, deadline - System.nanoTime());
        return applied.completeOnTimeout(null, wait, TimeUnit.NANOSECONDS).thenApply(v -> response);
    }

    private CompletableFuture<Boolean> waitForChange(CompletableFuture<Void> change, long deadline) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
            return CompletableFuture.completedFuture(false);
        }
        // the leader may also become reachable without a role change: look again now and then
        long step = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50));
        return change.thenApply(v -> true)
                .completeOnTimeout(true, step, TimeUnit.NANOSECONDS)
                .exceptionally(e -> false)
                .thenApply(ok -> ok && System.nanoTime() < deadline);
    }

    private Response noPrimary() {
        return Response.error(
                ErrorCode.NO_PRIMARY,
                "no primary available within " + options.writeWait().toMillis()
                        + " ms (an election is under way or a majority is unreachable); the write was not applied");
    }

    private static String causeText(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof TimeoutException) {
            return "timed out";
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    @Override
    public CompletableFuture<Response> decidedHere(Session session, CompletableFuture<Response> local) {
        if (local.isDone() || options.ack() == AckMode.LAZY && role == RaftNode.Role.LEADER) {
            // lazy: the answer is the op log's, which settles it whatever Raft does next
            return local;
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        pendingHere.add(answer);
        local.whenComplete((r, e) -> {
            pendingHere.remove(answer);
            if (e != null) {
                answer.completeExceptionally(e);
            } else {
                answer.complete(r);
            }
        });
        if (role != RaftNode.Role.LEADER) {
            expireLater(answer); // the lead went between placing the write and now
        }
        return answer;
    }

    /** The entry may still commit under a new primary (then the write stands) or be dropped: unknown. */
    private void expireLater(CompletableFuture<Response> answer) {
        answer.completeOnTimeout(
                Response.error(
                        ErrorCode.OUTCOME_UNKNOWN,
                        "this node stopped being the primary before the write committed;"
                                + " the write may or may not have been applied"),
                options.writeWait().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ views

    @Override
    public String clusterState() {
        List<String> rendered = new ArrayList<>();
        for (ClusterMember m : memberViews()) {
            if (m.self()) {
                rendered.add(m.id() + "(self):" + m.role() + " ");
            } else {
                rendered.add(m.id() + (m.connected() ? "(Connected)" : "(Disconnected)") + ":" + m.role());
            }
        }
        rendered.sort(null);
        StringBuilder b = new StringBuilder("cluster-state ");
        for (String r : rendered) {
            b.append(' ').append(r).append(',');
        }
        return b.append('\n').toString();
    }

    /** Every member, sorted by id, with its role as {@code cluster-state} names it and (on the primary) its lag. */
    public List<ClusterMember> memberViews() {
        String self = options.self();
        String primary = leader;
        Map<String, Long> lag = status().lagEntries();
        List<ClusterMember> list = new ArrayList<>();
        for (String m : new TreeSet<>(members)) {
            String roleName = m.equals(primary) ? "Primary" : primary == null ? "StartingUp" : "Secondary";
            boolean isSelf = m.equals(self);
            list.add(new ClusterMember(m, isSelf, roleName, isSelf || transport.isConnected(m), lag.get(m)));
        }
        return list;
    }

    @Override
    public CompletableFuture<Response> join(Session session, String address) {
        return changeMembers(session, true, address);
    }

    @Override
    public CompletableFuture<Response> leave(Session session, String address) {
        return changeMembers(session, false, address);
    }

    /**
     * A member change is an entry of the replicated log, so every node (and every restart) agrees
     * on the member set: the primary appends it, each node switches to it when it applies it, and
     * the answer comes once it is committed. One change at a time (Raft's single-server rule).
     */
    private CompletableFuture<Response> changeMembers(Session session, boolean add, String address) {
        if (address == null || !MEMBER_ADDRESS.matcher(address).matches()) {
            return CompletableFuture.completedFuture(
                    Response.error(ErrorCode.BAD_REQUEST, "a member address is host:port"));
        }
        String text = (add ? "join " : "leave ") + address;
        if (!isReadyPrimary()) {
            if (Session.FORWARDED.equals(session.transport())) {
                return CompletableFuture.completedFuture(Response.error(ErrorCode.NO_PRIMARY, NOT_PRIMARY));
            }
            return forward(session, leader, text);
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        raftThread.execute(() -> proposeMembers(add, address, answer));
        return answer.completeOnTimeout(
                Response.error(
                        ErrorCode.OUTCOME_UNKNOWN,
                        "the member change did not commit within "
                                + options.writeWait().toMillis()
                                + " ms; it may or may not have been applied (see cluster-state)"),
                options.writeWait().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** On the Raft thread: appends the new member set if this node may, else says why not. */
    private void proposeMembers(boolean add, String address, CompletableFuture<Response> answer) {
        if (!raft.isReadyLeader()) {
            answer.complete(Response.error(
                    ErrorCode.NO_PRIMARY, "this node stopped being the primary; the member change was not applied"));
            return;
        }
        if (memberChangeStoring || !raft.mayChangeMembers()) {
            answer.complete(Response.error(
                    ErrorCode.CONFLICT, "another member change is still in progress; try again once it has committed"));
            return;
        }
        Set<String> next = new TreeSet<>(raft.members());
        if (!(add ? next.add(address) : next.remove(address))) {
            answer.complete(Response.ok()); // already so: nothing to change
            return;
        }
        if (next.isEmpty()) {
            answer.complete(Response.error(ErrorCode.BAD_REQUEST, "the last member cannot leave"));
            return;
        }
        memberChangeStoring = true;
        long proposalTerm = raft.term(); // the entry's term: were the lead lost before, the log refuses it
        databases
                .changeMembers(String.join(",", next))
                .whenComplete((index, error) -> raftThread.execute(() -> {
                    memberChangeStoring = false;
                    if (error != null) {
                        answer.complete(Response.error(
                                ErrorCode.NOT_STORED, "the member change was not stored: " + causeText(error)));
                        return;
                    }
                    raft.membersAppended(index, proposalTerm, next);
                    if (raft.commitIndex() >= index) {
                        answer.complete(Response.ok());
                    } else {
                        memberChangeAnswers.put(index, answer);
                    }
                }));
    }

    /** On the Raft thread: the member set changed (appended, truncated or from a snapshot). */
    @Override
    public void membersChanged(Set<String> next) {
        Set<String> before = members;
        members = next;
        for (String peer : next) {
            if (!peer.equals(options.self()) && !before.contains(peer)) {
                transport.connect(peer);
            }
        }
        log.info("{}: members now {}", options.self(), new TreeSet<>(next));
        membersObserver.accept(next);
        signal();
    }

    /** Told of every new member set, on the Raft thread (metrics register a lag gauge per member). */
    public void membersObserver(java.util.function.Consumer<Set<String>> observer) {
        this.membersObserver = observer;
    }

    /** Where each replication latency (local write to majority, on the primary) is also reported: metrics. */
    public void latencyObserver(java.util.function.LongConsumer nanos) {
        latency.observer(nanos);
    }

    @Override
    public String details() {
        return status().describe();
    }

    /** A start of an election now ({@code debug force-election}). */
    @Override
    public void forceElection() {
        raftThread.execute(raft::forceElection);
    }

    /** The members this node counts majorities among (the log's newest member set, applied here). */
    public Set<String> members() {
        return members;
    }

    /** The figures of this node's part in the cluster. */
    public ClusterStatus status() {
        long applied = databases.stateMachine().appliedIndex();
        Map<String, Long> lag = new TreeMap<>();
        long last = opLog.lastIndex();
        for (RaftNode.PeerProgress p : progress) {
            lag.put(p.peer(), Math.max(0, last - p.matchIndex()));
        }
        return new ClusterStatus(
                options.self(),
                role,
                leader,
                term,
                commitIndex,
                applied,
                last,
                lag,
                elections.get(),
                leaderChanges.get(),
                truncatedEntries.get(),
                forwardedWrites.get(),
                forwardFailures.get(),
                latency.averageMillis(),
                isReady(),
                options.ack());
    }

    /**
     * Ready to serve: it knows the primary (or is it), and has applied what the primary said was
     * committed.
     */
    public boolean isReady() {
        if (isReadyPrimary()) {
            return true;
        }
        if (leader == null || role == RaftNode.Role.LEADER) {
            return false;
        }
        long heardAgo = System.nanoTime() - lastLeaderContactNanos;
        return heardAgo < options.electionTimeout().toNanos() * 2
                && databases.stateMachine().appliedIndex() >= commitIndex;
    }

    public ClusterOptions options() {
        return options;
    }

    /** Entries appended here but not yet held by every member (the primary's view), for metrics-state. */
    public long pendingOps() {
        if (role != RaftNode.Role.LEADER) {
            return 0;
        }
        long last = opLog.lastIndex();
        long pending = 0;
        for (RaftNode.PeerProgress p : progress) {
            pending = Math.max(pending, last - p.matchIndex());
        }
        return pending;
    }
}
