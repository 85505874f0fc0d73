package io.nundb.storage.snapshot;

import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import io.nundb.storage.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies recovered records in index order through the {@link StateMachine}, as live writes are
 * applied. A record for a database whose create-db comes later waits for it instead of failing the
 * start (logs written before the single write pipeline could hold such records).
 */
final class Replayer {

    private final Databases databases;
    private final StateMachine machine;
    private final Map<String, List<LogEntry>> waiting = new HashMap<>();
    private long applied;

    Replayer(Databases databases) {
        this.databases = databases;
        this.machine = databases.stateMachine();
    }

    void apply(LogEntry r) {
        if (r.type() == OpType.NOOP || r.type() == OpType.CONFIG) {
            machine.apply(r); // a term marker or a member set: no database of its own
            return;
        }
        if (r.type() == OpType.CREATE_DB) {
            machine.apply(r);
            applied++;
            List<LogEntry> early = waiting.remove(r.db());
            if (early != null) {
                early.forEach(machine::apply);
                applied += early.size();
            }
        } else if (databases.exists(r.db())) {
            machine.apply(r);
            applied++;
        } else {
            waiting.computeIfAbsent(r.db(), k -> new ArrayList<>()).add(r);
        }
    }

    long applied() {
        return applied;
    }

    /** Records of databases that were never created (nothing to apply them to). */
    /** The databases that records named but that were never created. */
    java.util.Set<String> orphanDatabases() {
        return new java.util.TreeSet<>(waiting.keySet());
    }

    long orphans() {
        return waiting.values().stream().mapToLong(List::size).sum();
    }
}
