package io.nundb.cluster.raft.sim;

import io.nundb.cluster.raft.RaftLog;
import io.nundb.cluster.raft.RaftNode;
import io.nundb.cluster.raft.SnapshotSource;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * An in-memory {@link RaftLog} with a disk model: appends become durable only when their delayed
 * write completes ({@link Disk}); a crash keeps the durable prefix and the snapshot and loses the
 * rest, pending completions included. Every entry carries a hash chained over the log up to it, which
 * the {@link Checks} compare across nodes (log matching). Single-threaded, like the node.
 */
public final class SimLog implements RaftLog {

    /** Runs a write's completion later, on the node's thread, unless the node crashes first. */
    public interface Disk {
        void later(Runnable completion);
    }

    /** Invariant hooks. */
    public interface Checks {
        /** An entry now sits at its index with this chained hash. */
        void appended(LogEntry entry, long prefixHash);

        /** An entry is being dropped by a truncation. */
        void dropping(LogEntry entry);
    }

    /** A snapshot as stored: immutable bytes. */
    record Snapshot(long index, long term, byte[] data) implements SnapshotSource {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public byte[] read(long offset, int length) {
            return Arrays.copyOfRange(data, (int) offset, (int) Math.min(data.length, offset + length));
        }
    }

    private final Disk disk;
    private final Checks checks;
    private final List<LogEntry> entries = new ArrayList<>();
    private final List<Long> hashes = new ArrayList<>();
    private Snapshot snapshot;
    private long baseIndex;
    private long baseTerm;
    private long baseHash;
    private long durable;
    /** Truncation points since each pending write: a write's report never covers entries that replaced its own. */
    private final List<long[]> pendingCaps = new ArrayList<>();

    private long receivingIndex = -1;
    private ByteArrayOutputStream receiving;

    /** Called with the durable index when a leader-side append completes. */
    private LongConsumer leaderDurable = i -> {};

    public SimLog(Disk disk, Checks checks) {
        this.disk = disk;
        this.checks = checks;
    }

    public void onLeaderDurable(LongConsumer callback) {
        this.leaderDurable = callback;
    }

    @Override
    public long lastIndex() {
        return baseIndex + entries.size();
    }

    @Override
    public long termAt(long index) {
        if (index == 0) {
            return 0;
        }
        if (index == baseIndex) {
            return baseTerm;
        }
        if (index < baseIndex || index > lastIndex()) {
            return -1;
        }
        return entries.get((int) (index - baseIndex - 1)).term();
    }

    public LogEntry entryAt(long index) {
        if (index <= baseIndex || index > lastIndex()) {
            throw new AssertionError("no entry " + index + " in log (" + baseIndex + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - baseIndex - 1));
    }

    long hashAt(long index) {
        return index == baseIndex ? baseHash : hashes.get((int) (index - baseIndex - 1));
    }

    @Override
    public long snapshotIndex() {
        return baseIndex;
    }

    public long durableIndex() {
        return durable;
    }

    @Override
    public List<LogEntry> read(long fromIndex, int maxEntries, long maxBytes) {
        if (fromIndex <= baseIndex) {
            throw new AssertionError("read from " + fromIndex + " but compacted up to " + baseIndex);
        }
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = fromIndex; i <= lastIndex() && out.size() < maxEntries; i++) {
            LogEntry e = entryAt(i);
            bytes += 40 + e.key().length() + e.value().length();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public void appendLeader(LogEntry entry) {
        add(entry);
        write(lastIndex(), leaderDurable);
    }

    @Override
    public void appendFollower(List<LogEntry> batch, LongConsumer onDurable) {
        for (LogEntry e : batch) {
            add(e);
        }
        write(lastIndex(), onDurable);
    }

    private void add(LogEntry e) {
        if (e.index() != lastIndex() + 1) {
            throw new AssertionError("append of " + e.index() + " after " + lastIndex());
        }
        long hash = Hashes.mix(hashAt(lastIndex()), Hashes.of(e));
        entries.add(e);
        hashes.add(hash);
        checks.appended(e, hash);
    }

    private void write(long upTo, LongConsumer onDurable) {
        long[] cap = {upTo};
        pendingCaps.add(cap);
        disk.later(() -> {
            pendingCaps.remove(cap);
            long reported = Math.min(upTo, cap[0]);
            durable = Math.max(durable, reported);
            onDurable.accept(reported);
        });
    }

    @Override
    public long truncateAfter(long index) {
        long dropped = Math.max(0, lastIndex() - index);
        for (long i = index + 1; i <= lastIndex(); i++) {
            checks.dropping(entryAt(i));
        }
        while (lastIndex() > index) {
            entries.remove(entries.size() - 1);
            hashes.remove(hashes.size() - 1);
        }
        durable = Math.min(durable, index);
        for (long[] cap : pendingCaps) {
            cap[0] = Math.min(cap[0], index);
        }
        return dropped;
    }

    @Override
    public SnapshotSource snapshot() {
        return snapshot;
    }

    @Override
    public NavigableMap<Long, Set<String>> memberSets() {
        NavigableMap<Long, Set<String>> out = new TreeMap<>();
        if (snapshot != null) {
            String members = KvMachine.decode(snapshot.data()).members;
            if (members != null) {
                out.put(baseIndex, RaftNode.membersOf(members));
            }
        }
        for (LogEntry e : entries) {
            if (e.type() == OpType.CONFIG) {
                out.put(e.index(), RaftNode.membersOf(e.value()));
            }
        }
        return out;
    }

    /** The state machine's snapshot at {@code index} (applied, so in the log): the log restarts after it. */
    public void compact(long index, KvMachine state) {
        if (index <= baseIndex) {
            return;
        }
        long term = termAt(index);
        long hash = hashAt(index);
        snapshot = new Snapshot(index, term, state.encode(hash));
        int drop = (int) (index - baseIndex);
        entries.subList(0, drop).clear();
        hashes.subList(0, drop).clear();
        baseIndex = index;
        baseTerm = term;
        baseHash = hash;
        durable = Math.max(durable, index);
    }

    @Override
    public long receiveSnapshotChunk(long index, long term, byte[] chunk, long offset) {
        if (offset == 0) {
            receivingIndex = index;
            receiving = new ByteArrayOutputStream();
        }
        if (receiving == null || receivingIndex != index || offset != receiving.size()) {
            return receiving != null && receivingIndex == index ? receiving.size() : 0;
        }
        receiving.writeBytes(chunk);
        return receiving.size();
    }

    @Override
    public void installSnapshot(long index, long term) {
        byte[] data = receiving.toByteArray();
        for (LogEntry e : entries) {
            if (e.index() > index) {
                checks.dropping(e); // the ones up to the index the snapshot holds, committed
            }
        }
        entries.clear();
        hashes.clear();
        pendingCaps.forEach(cap -> cap[0] = Math.min(cap[0], index));
        snapshot = new Snapshot(index, term, data);
        baseIndex = index;
        baseTerm = term;
        baseHash = KvMachine.prefixHashOf(data);
        durable = index;
        receiving = null;
        receivingIndex = -1;
    }

    /** A crash: what was not written is gone, and so are the writes in progress. */
    public void crash() {
        while (lastIndex() > durable) {
            entries.remove(entries.size() - 1);
            hashes.remove(hashes.size() - 1);
        }
        pendingCaps.clear();
        receiving = null;
        receivingIndex = -1;
    }
}
