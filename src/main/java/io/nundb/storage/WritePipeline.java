package io.nundb.storage;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decide → append → apply → notify. A decided entry is appended to the {@link Journal} (which
 * gives it its index) and queued here in index order with the value it will give its key; the
 * queue is drained in order: a durable entry is applied through the {@link StateMachine} when the
 * {@link ApplyPolicy} allows, a refused one is dropped from the decided overlay and its writer
 * gets the failure — memory never holds it and nobody is told.
 *
 * <p>Threading: {@link #append} runs with the key's lock held (on the command's thread) and takes
 * a short sequencing lock so that queue order is index order. Draining runs on the thread that
 * completes the journal's futures (the op log's writer or ack thread), or on the command's thread when the
 * journal answered at once, or on the cluster's thread in {@link #applyUpTo}; one at a time, under
 * the drain lock, never under a key lock. Standalone there is no thread hand-off beyond the op
 * log's own.
 */
public final class WritePipeline {

    private static final Logger log = LoggerFactory.getLogger(WritePipeline.class);

    private final Journal journal;
    private final StateMachine machine;
    private final Databases databases;

    private final Object appendLock = new Object();
    private final Object drainLock = new Object();
    // guarded by appendLock: the last queued entry
    private InFlight tail;
    // guarded by drainLock: the last entry taken off the queue (a sentinel at first)
    private InFlight head;
    private volatile ApplyPolicy policy = ApplyPolicy.ON_DURABLE;
    // guarded by drainLock: the highest index the cluster allowed to apply
    private long applyLimit;
    private volatile long term;
    // null while this node may decide writes; else why not (a secondary)
    private volatile String localWritesRefused;

    WritePipeline(Journal journal, StateMachine machine, Databases databases) {
        this.journal = journal;
        this.machine = machine;
        this.databases = databases;
        InFlight sentinel = new InFlight(this, null, null, null, null, null);
        this.head = sentinel;
        this.tail = sentinel;
    }

    /** One decided entry on its way to being applied. Completes its future when applied. */
    static final class InFlight implements Journal.Stored {
        private static final int WAITING = 0;
        private static final int DURABLE = 1;
        private static final int FAILED = 2;

        private final WritePipeline pipeline;
        private final Database db; // null for create-db
        private final String key;
        private final VersionedValue value;
        private final CompletableFuture<Long> applied = new CompletableFuture<>();
        // completed with the index once stored, before the entry is applied; null unless asked for
        private final CompletableFuture<Long> stored;
        private LogEntry entry; // the journal's stamped copy once durable
        private Throwable error;
        private volatile int state;
        private volatile InFlight next;
        // the thread inside append(), which must not drain there (it holds the key's lock): track()
        // drains for it; null once append() returned
        private Thread appending;
        // guarded by the drain lock
        private boolean discarded;

        InFlight(
                WritePipeline pipeline,
                LogEntry entry,
                Database db,
                String key,
                VersionedValue value,
                CompletableFuture<Long> stored) {
            this.pipeline = pipeline;
            this.entry = entry;
            this.db = db;
            this.key = key;
            this.value = value;
            this.stored = stored;
        }

        /** Completes with the entry's index once it is applied; fails when the log refused it. */
        CompletableFuture<Long> applied() {
            return applied;
        }

        /** The journal's answer, on the thread that has it (the op log's writer or ack thread, or the caller's). */
        @Override
        public void stored(LogEntry stamped, Throwable failure) {
            if (failure == null) {
                // the journal's copy carries the index; listeners see the pipeline's term, as always
                long term = pipeline.term;
                entry = stamped.term() == term ? stamped : stamped.withIndex(stamped.index(), term);
                state = DURABLE;
                if (stored != null) {
                    stored.complete(stamped.index());
                }
            } else {
                error = failure;
                state = FAILED;
                if (stored != null) {
                    stored.completeExceptionally(failure);
                }
            }
            if (Thread.currentThread() != appending) {
                pipeline.drain();
            }
        }
    }

    /** Hands a decided entry to the journal; called with the key's lock held. Follow with {@link #track}. */
    InFlight append(LogEntry entry, Database db, String key, VersionedValue value) {
        return append(entry, db, key, value, null);
    }

    /**
     * {@link #append(LogEntry, Database, String, VersionedValue)} that also completes {@code stored}
     * with the entry's index once it is stored, before it is applied.
     */
    InFlight append(LogEntry entry, Database db, String key, VersionedValue value, CompletableFuture<Long> stored) {
        InFlight f = new InFlight(this, entry, db, key, value, stored);
        f.appending = Thread.currentThread();
        synchronized (appendLock) {
            String refusal = localWritesRefused;
            if (refusal == null) {
                journal.append(entry, f);
            } else {
                f.stored(null, new IOException(refusal));
            }
            tail.next = f;
            tail = f;
        }
        f.appending = null;
        return f;
    }

    /**
     * Drains if the journal answered during {@link #append} (it could not drain there: the key's
     * lock is held); called off the key lock. A later answer drains on its own thread.
     */
    void track(InFlight f) {
        if (f.state != InFlight.WAITING) {
            drain();
        }
    }

    /** A memory-only change ({@code $connections}): applied at once with index 0, never journaled. */
    void applyInMemory(LogEntry entry, VersionedValue value) {
        machine.apply(entry, value);
    }

    /**
     * Whether this node may decide writes. A secondary must not: the cluster refuses them here
     * (besides forwarding in its {@code WritePlacement}) so that nothing decided locally — such as
     * the clean-up an {@code arbiter} registration does — reaches its log. A refused write fails
     * with {@code reason} and changes nothing.
     */
    public void localWrites(boolean allowed, String reason) {
        localWritesRefused = allowed ? null : reason;
    }

    /** Who decides when appended entries are applied. Standalone: {@link ApplyPolicy#ON_DURABLE}. */
    public void applyPolicy(ApplyPolicy newPolicy) {
        policy = newPolicy;
        drain();
    }

    public ApplyPolicy applyPolicy() {
        return policy;
    }

    /**
     * Under {@link ApplyPolicy#EXTERNAL}: applies, in index order, every queued entry up to {@code
     * index} once it is durable here (at once if it is; else when the op log says so).
     */
    public void applyUpTo(long index) {
        synchronized (drainLock) {
            if (index > applyLimit) {
                applyLimit = index;
            }
        }
        drain();
    }

    /** The term stamped on the entries handed to listeners; the cluster sets it with the op log's. */
    public void term(long newTerm) {
        term = newTerm;
    }

    /**
     * A follower's entry, already in the local op log at its index: queued behind anything this
     * node appended and applied as the policy allows (at once under {@link ApplyPolicy#ON_DURABLE};
     * under {@link ApplyPolicy#EXTERNAL} once {@link #applyUpTo} reaches it). Entries must come in
     * index order. Returns a future that completes once it is applied.
     */
    public CompletableFuture<Long> offerReplicated(LogEntry entry) {
        InFlight f = new InFlight(this, entry, null, null, null, null);
        f.state = InFlight.DURABLE;
        synchronized (appendLock) {
            tail.next = f;
            tail = f;
        }
        drain();
        return f.applied;
    }

    /**
     * {@link #offerReplicated} for a batch of consecutive entries, queued together and drained once
     * (a follower's append delivers them in batches).
     */
    public void offerReplicated(List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        synchronized (appendLock) {
            for (LogEntry entry : entries) {
                InFlight f = new InFlight(this, entry, null, null, null, null);
                f.state = InFlight.DURABLE;
                tail.next = f;
                tail = f;
            }
        }
        drain();
    }

    /** A follower's entry applied now (it is committed and in the local op log). */
    public CompletableFuture<Long> applyReplicated(LogEntry entry) {
        CompletableFuture<Long> applied = offerReplicated(entry);
        applyUpTo(entry.index());
        return applied;
    }

    /**
     * Drops every queued entry not applied yet whose index is above {@code index} (or that has no
     * index yet, or that the log refused): the cluster truncated them, or this node lost the lead
     * before they committed. Entries at or below {@code index} stay, wherever they are in the queue.
     * Their writers get {@code reason} now; the decided overlay shows, for each of their keys, the
     * newest decision kept (or the applied value). They leave the queue when its head reaches them.
     * The cluster calls it once the op log is cut and has completed what it wrote before the cut.
     */
    public void discardAfter(long index, String reason) {
        IOException error = new IOException(reason);
        synchronized (drainLock) {
            // The whole queue, not just up to the first entry dropped: an earlier truncation's
            // entries wait here until the head reaches them, and the entries a later primary sent
            // after them may be kept this time (were they dropped, memory would miss a committed
            // write, and a primary deciding against that memory would reuse a version).
            // The overlay shows a key's newest decision: where that is discarded, it must show the
            // newest one kept (still waiting to be applied), if any.
            Map<Database, Map<String, VersionedValue>> kept = new HashMap<>();
            for (InFlight f = head.next; f != null; f = f.next) {
                if (keeps(f, index) && f.db != null && f.value != null) {
                    kept.computeIfAbsent(f.db, d -> new HashMap<>()).put(f.key, f.value);
                }
            }
            for (InFlight f = head.next; f != null; f = f.next) {
                if (f.discarded || keeps(f, index)) {
                    continue;
                }
                f.discarded = true;
                if (f.db != null) {
                    Map<String, VersionedValue> ofDb = kept.get(f.db);
                    f.db.replacePending(f.key, f.value, ofDb == null ? null : ofDb.get(f.key));
                } else {
                    forget(f);
                }
                f.applied.completeExceptionally(error);
            }
        }
    }

    /** Whether a truncation after {@code index} leaves {@code f} in the log. Under the drain lock. */
    private static boolean keeps(InFlight f, long index) {
        return !f.discarded && f.state == InFlight.DURABLE && f.entry.index() <= index;
    }

    public long appliedIndex() {
        return machine.appliedIndex();
    }

    public CompletableFuture<Void> whenApplied(long index) {
        return machine.whenApplied(index);
    }

    /** Applies or drops the queue's head while it is decided, in order. */
    void drain() {
        synchronized (drainLock) {
            while (true) {
                InFlight f = head.next;
                if (f == null) {
                    return;
                }
                if (f.discarded) {
                    advanceHead(f); // its writer was told when it was discarded
                    continue;
                }
                int s = f.state;
                if (s == InFlight.WAITING) {
                    return;
                }
                if (s == InFlight.DURABLE) {
                    long index = f.entry.index();
                    if (policy == ApplyPolicy.EXTERNAL && index > applyLimit) {
                        return;
                    }
                    advanceHead(f);
                    try {
                        machine.apply(f.entry, f.value);
                    } catch (RuntimeException e) {
                        // an entry that cannot be applied (a replicated one naming an unknown
                        // database) must not stop the queue behind it
                        log.error("Entry {} could not be applied: {}", index, e.getMessage());
                        forget(f);
                        f.applied.completeExceptionally(e);
                        continue;
                    }
                    f.applied.complete(index);
                } else {
                    // the log refused it, and with it everything queued after it
                    forget(f);
                    advanceHead(f);
                    f.applied.completeExceptionally(f.error);
                }
            }
        }
    }

    /**
     * Moves the head to {@code f} and unlinks the old head. Kept linked, a head that had been
     * promoted to the old generation (it was in flight during a young collection) would hold every
     * later entry alive through the next young collections: the whole stream of writes, values and
     * futures got promoted (measured on a single node at 53k writes/s: about 29 MB per young
     * collection, pauses of 67–102 ms). Under the drain lock; the old head is no longer the tail.
     */
    private void advanceHead(InFlight f) {
        InFlight old = head;
        head = f;
        old.next = null;
    }

    private void forget(InFlight f) {
        if (f.db != null) {
            f.db.forget(f.key, f.value);
        } else if (f.entry.type() == OpType.CREATE_DB) {
            databases.forgetCreate(f.entry.db());
        }
    }
}
