package io.nundb.cluster.rpc;

import io.nundb.storage.LogEntry;
import java.util.List;

/**
 * The entries of the last AppendEntries encoded, shared by this node's peer links: a primary sends
 * the same run of entries to every follower that keeps up, and encoding them (the UTF-8 of every
 * database name, key and value) is most of what shipping costs it. A run is reused only for the
 * very same {@link LogEntry} objects in the same order (the op log's cache of recent entries hands
 * out the same instances to each follower's read), so a hit never depends on what the entries say.
 * One slot: a follower that lags reads another run, which replaces it.
 *
 * <p>Thread-safe: links encode on the Raft thread or on a Netty event loop; a race at worst
 * encodes a run twice.
 */
final class SharedEntryEncoding {

    private record Encoded(List<LogEntry> entries, byte[] bytes) {}

    private volatile Encoded last;

    /** The entries section for {@code entries}, encoded now or taken from the previous call. */
    byte[] encode(List<LogEntry> entries) {
        Encoded e = last;
        if (e != null && sameInstances(e.entries, entries)) {
            return e.bytes;
        }
        byte[] bytes = PeerCodec.encodeEntries(entries);
        last = new Encoded(entries, bytes);
        return bytes;
    }

    private static boolean sameInstances(List<LogEntry> a, List<LogEntry> b) {
        if (a == b) {
            return true;
        }
        int n = a.size();
        if (n != b.size()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
