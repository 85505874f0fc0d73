package io.nundb.cluster.raft.sim;

import io.nundb.storage.LogEntry;

/** 64-bit mixing for the chained hashes the invariant checks compare. */
final class Hashes {

    private Hashes() {}

    static long mix(long h, long v) {
        long z = h * 0x9E3779B97F4A7C15L + v + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Identifies an entry by everything it carries. */
    static long of(LogEntry e) {
        long h = mix(e.index(), e.term());
        h = mix(h, e.type().code());
        h = mix(h, e.key().hashCode());
        h = mix(h, e.version());
        return mix(h, e.value().hashCode());
    }
}
