package io.nundb.cluster;

import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.StateMachine;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.snapshot.SnapshotStore;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings memory back to what the files say after the log changed under it: a divergent tail this
 * node had applied was dropped, or a snapshot from the primary replaced the log. The state the
 * files describe (newest snapshot plus the log after it) is rebuilt aside, then every key that
 * differs is corrected through the {@link StateMachine}'s one apply path, so watchers see the
 * corrections like any change. Rare and slow (it reads the files): runs on the Raft thread.
 */
final class StateResync {

    private static final Logger log = LoggerFactory.getLogger(StateResync.class);

    private final Databases live;
    private final OpLog opLog;
    private final SnapshotStore snapshots;
    private final String adminPassword;

    StateResync(Databases live, OpLog opLog, SnapshotStore snapshots, String adminPassword) {
        this.live = live;
        this.opLog = opLog;
        this.snapshots = snapshots;
        this.adminPassword = adminPassword;
    }

    /** Makes memory equal to the files; returns how many keys changed. */
    int run(String why) throws IOException {
        long start = System.nanoTime();
        Databases target = Databases.inMemory(adminPassword);
        StateMachine build = target.stateMachine();
        SnapshotStore.SnapshotInfo snapshot = snapshots.loadNewest(build::apply);
        long from = snapshot == null ? 1 : snapshot.index() + 1;
        long last = opLog.lastWrittenIndex();
        while (from <= last) {
            List<LogEntry> entries = opLog.readFrom(from, 10_000);
            if (entries.isEmpty()) {
                break;
            }
            for (LogEntry e : entries) {
                build.apply(e);
            }
            from = entries.get(entries.size() - 1).index() + 1;
        }
        long upTo = from - 1;
        int changed = correct(target);
        live.stateMachine().resetAppliedIndex(upTo);
        log.warn(
                "Memory resynchronised with the log up to index {} ({}): {} keys corrected in {} ms",
                upTo,
                why,
                changed,
                (System.nanoTime() - start) / 1_000_000);
        return changed;
    }

    private int correct(Databases target) {
        StateMachine machine = live.stateMachine();
        int changed = 0;
        machine.restoreMembers(target.stateMachine()); // the Raft node reads them from here after a snapshot
        for (Database want : target.all()) {
            if (Databases.ADMIN_DB.equals(want.name())) {
                continue;
            }
            Database have = live.get(want.name());
            if (have == null) {
                VersionedValue token = want.get(Database.TOKEN_KEY);
                machine.apply(LogEntry.createDb(
                        want.name(), token.value(), want.strategy().word()));
                have = live.get(want.name());
                changed++;
            }
            Database current = have;
            int[] count = {0};
            want.forEachEntry((key, value) -> {
                if (!same(current.get(key), value)) {
                    machine.apply(
                            value.deleted()
                                    ? LogEntry.remove(want.name(), key, value.version())
                                    : LogEntry.put(want.name(), key, value.version(), value.value()));
                    count[0]++;
                }
            });
            current.forEachEntry((key, value) -> {
                if (!Database.CONNECTIONS_KEY.equals(key) && !value.deleted() && want.get(key) == null) {
                    machine.apply(LogEntry.remove(want.name(), key, value.version()));
                    count[0]++;
                }
            });
            changed += count[0];
        }
        for (Database have : live.all()) {
            if (target.get(have.name()) == null) {
                log.warn(
                        "Database {} exists in memory but not in the log after the resync; it stays until restart",
                        have.name());
            }
        }
        return changed;
    }

    private static boolean same(VersionedValue a, VersionedValue b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.deleted() == b.deleted()
                && a.version() == b.version()
                && (a.deleted() || Objects.equals(a.value(), b.value()));
    }
}
