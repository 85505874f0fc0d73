package io.nundb.storage.oplog;

import java.util.Arrays;

/** Runs of consecutive indexes with one term: (first index, term), in index order. Not thread-safe. */
final class TermRuns {

    private long[] firsts = new long[8];
    private long[] terms = new long[8];
    private int size;

    /** Records that {@code index} (greater than every index seen so far) has {@code term}. */
    void add(long index, long term) {
        if (size > 0 && terms[size - 1] == term) {
            return;
        }
        if (size == firsts.length) {
            firsts = Arrays.copyOf(firsts, size * 2);
            terms = Arrays.copyOf(terms, size * 2);
        }
        firsts[size] = index;
        terms[size] = term;
        size++;
    }

    /** The term of {@code index}, or -1 when it is before the first run. */
    long termAt(long index) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firsts[mid] <= index) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : terms[found];
    }

    /** Forgets every index after {@code index}. */
    void truncateAfter(long index) {
        while (size > 0 && firsts[size - 1] > index) {
            size--;
        }
    }

    /** Forgets the runs that end before {@code index}. */
    void dropBefore(long index) {
        int keepFrom = 0;
        while (keepFrom + 1 < size && firsts[keepFrom + 1] <= index) {
            keepFrom++;
        }
        if (keepFrom > 0) {
            System.arraycopy(firsts, keepFrom, firsts, 0, size - keepFrom);
            System.arraycopy(terms, keepFrom, terms, 0, size - keepFrom);
            size -= keepFrom;
        }
    }

    void clear() {
        size = 0;
    }
}
