package io.nundb.cluster;

import io.nundb.cluster.raft.RaftLog;
import io.nundb.cluster.raft.RaftNode;
import io.nundb.cluster.raft.SnapshotSource;
import io.nundb.storage.LogEntry;
import io.nundb.storage.StateMachine;
import io.nundb.storage.WritePipeline;
import io.nundb.storage.oplog.CompactedException;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.snapshot.SnapshotReceiver;
import io.nundb.storage.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's op log and snapshot files as Raft sees them. Called in the Raft thread's turn only (on
 * it, or on an event loop for a follower's append that cannot block: {@link RaftThread}), except
 * for the durability callbacks, which arrive on the op log's writer or ack thread and are posted back.
 *
 * <p>Replicated entries reach the write pipeline once they are durable here, in index order, so
 * that the same apply path serves them as the primary's own writes.
 */
final class OpLogRaftLog implements RaftLog {

    private static final Logger log = LoggerFactory.getLogger(OpLogRaftLog.class);

    private final OpLog opLog;
    private final SnapshotStore snapshots;
    private final WritePipeline pipeline;
    private final Executor raftThread;
    private final LongConsumer leaderDurable;
    private final StateMachine machine;

    private SnapshotReceiver receiving;
    private io.nundb.storage.snapshot.SnapshotSource shipping;

    OpLogRaftLog(
            OpLog opLog,
            SnapshotStore snapshots,
            WritePipeline pipeline,
            Executor raftThread,
            LongConsumer leaderDurable,
            StateMachine machine) {
        this.opLog = opLog;
        this.snapshots = snapshots;
        this.pipeline = pipeline;
        this.raftThread = raftThread;
        this.leaderDurable = leaderDurable;
        this.machine = machine;
    }

    /**
     * Recovery replays the whole log (and the snapshot before it) through the state machine, and a
     * resync rebuilds it from the files: its member history is what the files hold.
     */
    @Override
    public NavigableMap<Long, Set<String>> memberSets() {
        NavigableMap<Long, Set<String>> out = new TreeMap<>();
        machine.memberHistory().forEach((index, value) -> out.put(index, RaftNode.membersOf(value)));
        return out;
    }

    @Override
    public long lastIndex() {
        return opLog.lastIndex();
    }

    @Override
    public long termAt(long index) {
        if (index == opLog.snapshotIndex()) {
            return opLog.snapshotTerm();
        }
        if (index > 0 && index < opLog.firstIndex()) {
            return -1; // compacted away: the follower gets the snapshot
        }
        return opLog.termAt(index);
    }

    @Override
    public long snapshotIndex() {
        return opLog.snapshotIndex();
    }

    @Override
    public List<LogEntry> read(long fromIndex, int maxEntries, long maxBytes) {
        try {
            return opLog.readFrom(fromIndex, maxEntries, maxBytes);
        } catch (CompactedException e) {
            return List.of();
        } catch (IOException e) {
            log.warn("Reading the op log from index {} failed: {}", fromIndex, e.toString());
            return List.of();
        }
    }

    @Override
    public void appendLeader(LogEntry entry) {
        if (opLog.currentTerm() < entry.term() || !opLog.isLeader()) {
            opLog.beginTerm(Math.max(opLog.currentTerm(), entry.term()), true);
        }
        pipeline.term(entry.term());
        opLog.append(entry).whenComplete((index, failure) -> {
            if (failure != null) {
                log.warn("The primary's first entry of term {} was not stored: {}", entry.term(), failure.toString());
                return;
            }
            if (index != entry.index()) {
                log.error("The primary's no-op got index {} instead of {}", index, entry.index());
            }
            pipeline.offerReplicated(entry.withIndex(index, entry.term()));
            leaderDurable.accept(index);
        });
    }

    @Override
    public void appendFollower(List<LogEntry> entries, LongConsumer onDurable) {
        long newest = entries.get(entries.size() - 1).term();
        if (opLog.isLeader() || opLog.currentTerm() < newest) {
            opLog.beginTerm(Math.max(opLog.currentTerm(), newest), false);
        }
        List<LogEntry> batch = List.copyOf(entries);
        opLog.appendReplicated(batch).whenComplete((last, failure) -> {
            if (failure != null) {
                log.debug(
                        "Replicated entries from {} not stored: {}",
                        batch.get(0).index(),
                        failure.toString());
                return;
            }
            // appends complete in index order, so the pipeline sees them in order
            pipeline.offerReplicated(batch);
            // The report runs later on the Raft thread, maybe after a truncation and a new append at
            // the same indexes that is not written yet: clamp it to what the op log holds written
            // then (a truncation lowers that), as the leader's reports do (RaftLog's contract).
            raftThread.execute(() -> onDurable.accept(Math.min(last, opLog.lastWrittenIndex())));
        });
    }

    @Override
    public long truncateAfter(long index) {
        // The log first: it returns once the entries written before its cut are completed, so
        // those the cut drops (a follower's batch, a deposed primary's writes) are in the apply
        // queue by then and dropped with the rest, and those it keeps have their index there
        // (judged by it, not taken for unknown and dropped). Dropped first, they could arrive
        // after, and be applied in the place of the entries that replace them.
        try {
            return opLog.truncateAfter(index);
        } catch (IOException e) {
            throw new UncheckedIOException("could not truncate the op log after index " + index, e);
        } finally {
            pipeline.discardAfter(index, "the primary changed and this write was not kept; it was not applied");
        }
    }

    @Override
    public SnapshotSource snapshot() {
        try {
            io.nundb.storage.snapshot.SnapshotSource newest = snapshots.openNewest();
            if (newest == null) {
                return null;
            }
            if (shipping != null) {
                if (shipping.index() == newest.index()) {
                    newest.close();
                    return adapt(shipping);
                }
                shipping.close();
            }
            shipping = newest;
            return adapt(newest);
        } catch (IOException e) {
            log.warn("Cannot open the newest snapshot to ship it: {}", e.toString());
            return null;
        }
    }

    private static SnapshotSource adapt(io.nundb.storage.snapshot.SnapshotSource s) {
        return new SnapshotSource() {
            @Override
            public long index() {
                return s.index();
            }

            @Override
            public long term() {
                return s.term();
            }

            @Override
            public long size() {
                return s.size();
            }

            @Override
            public byte[] read(long offset, int length) {
                try {
                    return s.chunk(offset, length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public long receiveSnapshotChunk(long index, long term, byte[] chunk, long offset) {
        try {
            if (receiving == null || receiving.index() != index || receiving.term() != term) {
                if (offset != 0) {
                    return 0; // a chunk of a transfer this node is not in: start over
                }
                abandonReceiving();
                receiving = snapshots.receive(index, term);
            }
            return receiving.write(offset, chunk);
        } catch (IOException e) {
            log.warn("Receiving snapshot {} failed at offset {}: {}", index, offset, e.toString());
            abandonReceiving();
            return 0;
        }
    }

    @Override
    public void installSnapshot(long index, long term) {
        if (receiving == null || receiving.index() != index) {
            throw new IllegalStateException("no complete snapshot " + index + " to install");
        }
        try {
            receiving.install();
            receiving = null;
            pipeline.discardAfter(index, "replaced by the primary's snapshot");
            opLog.resetAfterSnapshot(index, term);
        } catch (IOException e) {
            abandonReceiving();
            throw new UncheckedIOException("could not install snapshot " + index, e);
        }
    }

    private void abandonReceiving() {
        if (receiving != null) {
            try {
                receiving.close();
            } catch (IOException e) {
                log.debug("Closing an abandoned snapshot transfer: {}", e.toString());
            }
            receiving = null;
        }
    }

    void close() {
        abandonReceiving();
        if (shipping != null) {
            try {
                shipping.close();
            } catch (IOException e) {
                log.debug("Closing the shipped snapshot: {}", e.toString());
            }
        }
    }
}
