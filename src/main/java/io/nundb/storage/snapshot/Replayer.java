package io.nundb.storage.snapshot;

import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies recovered records in index order. A record for a database whose create-db comes later
 * (a write can race a creation's journal append) waits for it instead of failing the start.
 */
final class Replayer {

    private final Databases databases;
    private final Map<String, List<LogEntry>> waiting = new HashMap<>();
    private long applied;

    Replayer(Databases databases) {
        this.databases = databases;
    }

    void apply(LogEntry r) {
        if (r.type() == OpType.NOOP) {
            return; // a leader's term marker changes nothing
        }
        if (r.type() == OpType.CREATE_DB) {
            databases.restore(r);
            applied++;
            List<LogEntry> early = waiting.remove(r.db());
            if (early != null) {
                early.forEach(databases::restore);
                applied += early.size();
            }
        } else if (databases.exists(r.db())) {
            databases.restore(r);
            applied++;
        } else {
            waiting.computeIfAbsent(r.db(), k -> new ArrayList<>()).add(r);
        }
    }

    long applied() {
        return applied;
    }

    /** Records of databases that were never created (nothing to apply them to). */
    long orphans() {
        return waiting.values().stream().mapToLong(List::size).sum();
    }
}
