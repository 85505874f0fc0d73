package io.nundb.storage.oplog;

import io.nundb.storage.LogEntry;
import java.util.List;

/**
 * The most recently written entries, contiguous by index, bounded in count and in (estimated)
 * bytes: a follower that is only slightly behind is served from here without reading segments.
 * Not thread-safe (the op log guards it with its lock).
 */
final class EntryCache {

    private final LogEntry[] ring;
    private final long maxBytes;
    private int head; // position of the oldest entry
    private int size;
    private long bytes;

    EntryCache(int maxEntries, long maxBytes) {
        this.ring = new LogEntry[Math.max(0, maxEntries)];
        this.maxBytes = maxBytes;
    }

    static long estimate(LogEntry e) {
        return 64 + 2L * (length(e.db()) + length(e.key()) + length(e.value()));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Adds the entry after the newest one; a gap in the indexes starts the cache afresh. */
    void add(LogEntry e) {
        if (ring.length == 0 || maxBytes <= 0) {
            return;
        }
        if (size > 0 && e.index() != lastIndex() + 1) {
            clear();
        }
        long b = estimate(e);
        while (size > 0 && (size == ring.length || bytes + b > maxBytes)) {
            bytes -= estimate(ring[head]);
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
        if (b > maxBytes) {
            return;
        }
        ring[(head + size) % ring.length] = e;
        size++;
        bytes += b;
    }

    long firstIndex() {
        return size == 0 ? -1 : ring[head].index();
    }

    long lastIndex() {
        return size == 0 ? -1 : ring[(head + size - 1) % ring.length].index();
    }

    /** True when the cache holds {@code index}. */
    boolean holds(long index) {
        return size > 0 && index >= firstIndex() && index <= lastIndex();
    }

    /** Copies entries from {@code index} up to {@code upTo} into {@code out}, within the budgets. */
    void copy(long index, long upTo, int maxEntries, long maxBytes, List<LogEntry> out) {
        long budget = maxBytes;
        for (long i = index; i <= upTo && holds(i) && out.size() < maxEntries; i++) {
            LogEntry e = ring[(int) ((head + (i - firstIndex())) % ring.length)];
            long b = estimate(e);
            if (!out.isEmpty() && b > budget) {
                return;
            }
            budget -= b;
            out.add(e);
        }
    }

    /** Forgets every entry up to {@code index} (every follower has them). */
    void dropThrough(long index) {
        while (size > 0 && ring[head].index() <= index) {
            bytes -= estimate(ring[head]);
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
    }

    int size() {
        return size;
    }

    /** Forgets every entry after {@code index}. */
    void truncateAfter(long index) {
        while (size > 0 && lastIndex() > index) {
            int pos = (head + size - 1) % ring.length;
            bytes -= estimate(ring[pos]);
            ring[pos] = null;
            size--;
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            ring[(head + i) % ring.length] = null;
        }
        head = 0;
        size = 0;
        bytes = 0;
    }
}
