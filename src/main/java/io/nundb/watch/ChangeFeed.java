package io.nundb.watch;

import io.nundb.storage.AppliedListener;
import io.nundb.storage.LogEntry;
import io.nundb.storage.VersionedValue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Typed change events for streaming doors (SSE, RSocket): live subscriptions by exact key or key
 * prefix, and a bounded per-database history so that a reconnecting stream can be sent what it
 * missed. Fed by the state machine; secure ({@code $$}) keys are never kept
 * or streamed, and {@code $connections} is streamed but not kept. An {@link AppliedListener} of the
 * state machine, like the {@link WatchRegistry}.
 *
 * <p>The history of a database is kept only while a stream of it is open and for the resume window
 * after the last one closed (a reconnect comes within it): a database nobody streams costs its
 * writes one map look-up here. A resume point older than the history gets a resync, as one evicted
 * from it does. Runs on the applying thread (the op log's writer); {@link #subscribe} on any.
 */
public final class ChangeFeed implements AppliedListener {

    /** One applied change; {@code removed} changes carry the tombstone's version and no value. */
    public record Change(long seq, String db, String key, int version, String value, boolean removed) {}

    /**
     * Receives live changes on the feed's delivery thread, in the order they were applied (so one
     * key's changes in version order).
     */
    public interface Subscriber {
        void onChange(Change change);
    }

    /** Which keys of a database a subscriber wants: exact keys and key prefixes. */
    public record Selector(String db, List<String> keys, List<String> prefixes) {

        public Selector {
            keys = List.copyOf(keys);
            prefixes = List.copyOf(prefixes);
        }

        public boolean matches(String key) {
            if (keys.contains(key)) {
                return true;
            }
            for (String p : prefixes) {
                if (key.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A live subscription; close it when the stream ends. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private static final String CONNECTIONS_KEY = "$connections";

    public static final int DEFAULT_MAX_EVENTS = 4096;
    public static final long DEFAULT_MAX_CHARS = 8L * 1024 * 1024;
    /** How long a database's history is kept after its last stream closed. */
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofMinutes(5);

    private final int maxEvents;
    private final long resumeWindowNanos;
    private final LongSupplier nanoTime;
    private final Executor delivery;
    private final long maxChars;
    private final Map<String, History> histories = new ConcurrentHashMap<>();
    private final Map<String, List<Entry>> subscribers = new ConcurrentHashMap<>();

    /**
     * @param delivery where subscribers are called: one thread (or a direct call in tests), so that
     *     they get the changes in the order they were applied, and off the op log's threads, so that
     *     a subscriber that blocks cannot hold up the writes
     */
    public ChangeFeed(int maxEvents, long maxChars, Executor delivery) {
        this(maxEvents, maxChars, delivery, DEFAULT_RESUME_WINDOW, System::nanoTime);
    }

    /**
     * @param resumeWindow how long a database's history is kept after its last stream closed
     * @param nanoTime the clock of that window
     */
    public ChangeFeed(int maxEvents, long maxChars, Executor delivery, Duration resumeWindow, LongSupplier nanoTime) {
        this.maxEvents = maxEvents;
        this.maxChars = maxChars;
        this.delivery = delivery;
        this.resumeWindowNanos = resumeWindow.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Subscribers called directly on the applying thread (tests). */
    public ChangeFeed(int maxEvents, long maxChars) {
        this(maxEvents, maxChars, Runnable::run);
    }

    public ChangeFeed() {
        this(DEFAULT_MAX_EVENTS, DEFAULT_MAX_CHARS);
    }

    /** A feed that calls its subscribers on {@code delivery} (a single thread). */
    public ChangeFeed(Executor delivery) {
        this(DEFAULT_MAX_EVENTS, DEFAULT_MAX_CHARS, delivery);
    }

    @Override
    public void onApplied(LogEntry entry, String key, VersionedValue value) {
        onChange(entry.db(), key, value);
    }

    /** {@code key} of {@code db} now holds {@code value}: tell who wants to know. */
    public void onChange(String db, String key, VersionedValue value) {
        if (key.startsWith("$$")) {
            return;
        }
        List<Entry> subs = subscribers.get(db);
        boolean streamed = subs != null && !subs.isEmpty();
        Change change;
        if (CONNECTIONS_KEY.equals(key)) {
            // Changes with every session (REST calls included): streamed live, but not retained,
            // so they cannot crowd real changes out of the history.
            if (!streamed) {
                return;
            }
            change = new Change(-1, db, key, value.version(), value.deleted() ? null : value.value(), value.deleted());
        } else {
            History history = streamed ? histories.computeIfAbsent(db, d -> new History()) : histories.get(db);
            if (history == null) {
                return; // never streamed: nothing to keep, nobody to tell
            }
            change = history.append(db, key, value, streamed);
        }
        if (!streamed) {
            return;
        }
        delivery.execute(() -> {
            for (Entry e : subs) {
                if (e.selector.matches(key)) {
                    e.subscriber.onChange(change);
                }
            }
        });
    }

    public Subscription subscribe(Selector selector, Subscriber subscriber) {
        Entry entry = new Entry(selector, subscriber);
        subscribers
                .computeIfAbsent(selector.db(), d -> new CopyOnWriteArrayList<>())
                .add(entry);
        return () -> {
            List<Entry> subs = subscribers.get(selector.db());
            if (subs != null && subs.remove(entry) && subs.isEmpty()) {
                History history = histories.get(selector.db());
                if (history != null) {
                    history.keepUntil(nanoTime.getAsLong() + resumeWindowNanos);
                }
            }
        };
    }

    /**
     * The retained changes after the change ({@code key}, {@code version}) that match the selector,
     * oldest first; empty when that change is no longer (or never was) retained, so the caller
     * cannot know what was missed and must resync.
     */
    public Optional<List<Change>> since(Selector selector, String key, int version) {
        History history = histories.get(selector.db());
        if (history == null) {
            return Optional.empty();
        }
        return history.since(selector, key, version);
    }

    /**
     * The number of the database's latest retained change (0 when none): every change numbered
     * after it is applied later than this call.
     */
    public long latestSeq(String db) {
        History history = histories.get(db);
        return history == null ? 0 : history.latestSeq();
    }

    public int subscriberCount() {
        int n = 0;
        for (List<Entry> l : subscribers.values()) {
            n += l.size();
        }
        return n;
    }

    private record Entry(Selector selector, Subscriber subscriber) {}

    private final class History {
        private final ArrayDeque<Change> ring = new ArrayDeque<>();
        private long seq;
        private long chars;
        // set when the last stream closed; meaningless while one is open
        private long keepUntilNanos;
        // the window passed with no stream: nothing is kept until a stream opens again
        private volatile boolean dormant;

        synchronized void keepUntil(long nanos) {
            keepUntilNanos = nanos;
        }

        /** Keeps the change, or, with no stream open once the window passed, drops the history; null then. */
        Change append(String db, String key, VersionedValue v, boolean streamed) {
            if (!streamed && dormant) {
                return null;
            }
            synchronized (this) {
                if (streamed) {
                    dormant = false;
                } else if (nanoTime.getAsLong() - keepUntilNanos > 0) {
                    // a later resume point must not find an old change and skip the ones not kept
                    dormant = true;
                    ring.clear();
                    chars = 0;
                    return null;
                }
                return keep(db, key, v);
            }
        }

        private Change keep(String db, String key, VersionedValue v) {
            Change c = new Change(++seq, db, key, v.version(), v.deleted() ? null : v.value(), v.deleted());
            ring.addLast(c);
            chars += size(c);
            while (ring.size() > maxEvents || (chars > maxChars && ring.size() > 1)) {
                chars -= size(ring.removeFirst());
            }
            return c;
        }

        synchronized long latestSeq() {
            return seq;
        }

        synchronized Optional<List<Change>> since(Selector selector, String key, int version) {
            Iterator<Change> back = ring.descendingIterator();
            long from = -1;
            while (back.hasNext()) {
                Change c = back.next();
                if (c.version() == version && c.key().equals(key)) {
                    from = c.seq();
                    break;
                }
            }
            if (from < 0) {
                return Optional.empty();
            }
            List<Change> missed = new ArrayList<>();
            for (Change c : ring) {
                if (c.seq() > from && selector.matches(c.key())) {
                    missed.add(c);
                }
            }
            return Optional.of(missed);
        }

        private static long size(Change c) {
            return c.key().length() + (c.value() == null ? 0 : c.value().length()) + 32;
        }
    }
}
