package io.nundb.storage.snapshot;

import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.Decision;
import io.nundb.storage.Strategy;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A store with real storage on a directory, wired with plain {@code new} as the Spring config does. */
final class Node implements AutoCloseable {

    final Path dir;
    final OpLog opLog;
    final SnapshotStore snapshots;
    final StartupRecovery recovery;
    final Databases databases;
    final Snapshotter snapshotter;

    Node(Path dir, OpLogOptions options, RecoveryMode mode) {
        this.dir = dir;
        this.opLog = new OpLog(dir.resolve("oplog"), options);
        this.snapshots = new SnapshotStore(dir.resolve("snapshots"));
        this.recovery = new StartupRecovery(dir, opLog, snapshots, mode);
        this.databases = new Databases(opLog, "admin-pwd");
        recovery.recoverInto(databases);
        this.snapshotter = new Snapshotter(databases, opLog, snapshots, Duration.ofHours(1), recovery.snapshotIndex());
    }

    static Node open(Path dir) {
        return new Node(dir, OpLogOptions.defaults(), RecoveryMode.STRICT);
    }

    void createDb(String name) throws Exception {
        CompletableFuture<Long> f = databases.create(name, "tok-" + name, Strategy.NEWER);
        if (f != null) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    CompletableFuture<Long> putAsync(String db, String key, String value) {
        return databases
                .get(db)
                .mutate(key, cur -> Decision.put(value, next(cur)))
                .durable();
    }

    long put(String db, String key, String value) throws Exception {
        return putAsync(db, key, value).get(10, TimeUnit.SECONDS);
    }

    long remove(String db, String key) throws Exception {
        Database d = databases.get(db);
        return d.mutate(
                        key,
                        cur -> cur == null || cur.deleted()
                                ? new Decision.Reject("absent")
                                : new Decision.Remove(next(cur)))
                .durable()
                .get(10, TimeUnit.SECONDS);
    }

    static int next(VersionedValue cur) {
        return cur == null ? 0 : Math.max(cur.version(), -1) + 1;
    }

    /** Everything but the change ids (which recovery assigns afresh): db -> key -> "version:deleted:value". */
    static Map<String, Map<String, String>> state(Databases databases) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Database db : databases.all()) {
            Map<String, String> keys = new TreeMap<>();
            db.forEachEntry((k, v) -> keys.put(k, v.version() + ":" + v.deleted() + ":" + v.value()));
            out.put(db.name() + "/" + db.strategy(), keys);
        }
        return out;
    }

    Map<String, Map<String, String>> state() {
        return state(databases);
    }

    /** Stops as a kill would: what was acknowledged is in the files, no last snapshot. */
    void crash() {
        snapshotter.abandon();
        opLog.close();
    }

    @Override
    public void close() {
        snapshotter.close();
        opLog.close();
    }
}
