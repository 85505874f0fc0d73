package io.nundb.storage.snapshot;

import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.PrivateFiles;
import io.nundb.storage.Recovery;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.Segment;
import io.nundb.storage.oplog.SegmentReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up, on the thread that builds the store, before anything is served: load the newest valid
 * snapshot (a damaged one is set aside in {@code snapshots/damaged/} and the one before it used),
 * replay the op-log records after its index, cut off a torn last record of the newest segment, then
 * start the op log after the highest index found. It refuses to start ({@link
 * RecoveryRefusedException}) rather than start with less data than the files hold: a damaged
 * record anywhere but at the very end of the newest segment, an index range missing between the
 * snapshot and the log or between segments, records of databases never created, an {@code oplog/}
 * that is a file. {@link RecoveryMode#LENIENT} starts instead with what can be read, and moves what
 * it cannot use to {@code oplog-quarantine/}. Stale temp files are removed.
 */
public final class StartupRecovery implements Recovery {

    private static final Logger log = LoggerFactory.getLogger(StartupRecovery.class);

    private final Path dataDir;
    private final OpLog opLog;
    private final SnapshotStore store;
    private final RecoveryMode mode;
    private volatile long snapshotIndex;
    private volatile long snapshotTerm;

    public StartupRecovery(Path dataDir, OpLog opLog, SnapshotStore store, RecoveryMode mode) {
        this.dataDir = dataDir;
        this.opLog = opLog;
        this.store = store;
        this.mode = mode;
    }

    /** The index of the snapshot loaded at start (0 when there was none). */
    public long snapshotIndex() {
        return snapshotIndex;
    }

    /** The term of the entry at {@link #snapshotIndex()} (0 when there was no snapshot, or an old one). */
    public long snapshotTerm() {
        return snapshotTerm;
    }

    @Override
    public void recoverInto(Databases databases) {
        long t0 = System.nanoTime();
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            log.error("Data directory {} is not a directory: starting empty; writes will fail", dataDir);
            opLog.start(0, List.of());
            return;
        }
        try {
            // tokens and values live here: owner-only, also when the directory predates this node
            PrivateFiles.createDirectories(dataDir);
            PrivateFiles.restrictDirectory(dataDir);
        } catch (IOException e) {
            if (!Files.isDirectory(dataDir)) {
                log.error(
                        "Cannot create data directory {} ({}): starting empty; writes will fail",
                        dataDir,
                        e.toString());
                opLog.start(0, List.of());
                return;
            }
            log.warn("Could not make data directory {} owner-only: {}", dataDir, e.toString());
        }
        try {
            recover(databases, t0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static final String LENIENT_HINT = " To start anyway with what can be read, set NUN_RECOVERY_MODE=lenient"
            + " (nundb.storage.recovery-mode=lenient); nothing is deleted either way.";

    private void recover(Databases databases, long t0) throws IOException {
        Path logDir = opLog.directory();
        refuseFile(logDir, "op-log directory");
        refuseFile(store.directory(), "snapshot directory");
        removeStaleTemps(store.directory());
        removeStaleTemps(logDir);

        Replayer replayer = new Replayer(databases);
        List<Path> snapshotFiles = store.list();
        long newestClaimed = snapshotFiles.isEmpty() ? 0 : SnapshotStore.indexOf(name(snapshotFiles.get(0)));
        List<Path> damaged = new ArrayList<>();
        SnapshotStore.SnapshotInfo snapshot = null;
        for (Path file : snapshotFiles) {
            try {
                snapshot = store.load(file, replayer::apply);
                break;
            } catch (SnapshotStore.InvalidSnapshotException e) {
                log.error("{}: falling back on the snapshot before it and the op log", e.getMessage());
                damaged.add(file);
            }
        }
        long fromSnapshot = replayer.applied();
        long base = snapshot == null ? 0 : snapshot.index();
        snapshotIndex = base;
        databases.stateMachine().restoredUpTo(base);
        snapshotTerm = snapshot == null ? 0 : snapshot.term();

        List<Path> files = new ArrayList<>(SegmentReader.list(logDir));
        List<Segment> kept = new ArrayList<>();
        long lastIndex = base;
        long replayed = 0;
        if (!files.isEmpty() && Segment.firstIndexOf(name(files.get(0))) > base + 1) {
            missing(
                    "the op log starts at index " + Segment.firstIndexOf(name(files.get(0))) + " (" + files.get(0)
                            + ") but " + describe(snapshot) + " covers only up to " + base,
                    files);
            files.clear();
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            boolean newest = i == files.size() - 1;
            long first = Segment.firstIndexOf(name(file));
            if (first - 1 > Math.max(lastIndex, base)) {
                missing(
                        "op-log segment " + file + " starts at index " + first + " but the log before it ends at "
                                + lastIndex,
                        files.subList(i, files.size()));
                break;
            }
            long[] seen = {0, 0};
            SegmentReader.Scan scan = SegmentReader.scan(file, r -> {
                seen[1] = Math.max(seen[1], r.index());
                if (r.index() > base) {
                    replayer.apply(r);
                    seen[0]++;
                }
            });
            replayed += seen[0];
            lastIndex = Math.max(lastIndex, seen[1]);
            String damage = damage(scan, file, newest, newest ? 0 : Segment.firstIndexOf(name(files.get(i + 1))), base);
            if (damage != null) {
                String where = "Corrupt op-log record in " + file + " at offset "
                        + scan.stop().offset() + ": " + damage;
                if (mode == RecoveryMode.STRICT) {
                    throw new CorruptLogException(where + ". Refusing to start." + LENIENT_HINT);
                }
                log.error("{}. Lenient recovery: starting with the data up to this point", where);
                quarantine(files.subList(i, files.size()));
                // the readable prefix stays in the log, so that the next start finds it again
                truncate(file, scan.validBytes());
                kept.add(Segment.existing(file, scan.validBytes(), scan.records()));
                break;
            }
            if (scan.torn() && scan.stop().reason().startsWith("zero-filled")) {
                log.debug("Op-log segment {} ends in preallocated space at {}", file.getFileName(), scan.validBytes());
                truncate(file, scan.validBytes());
            } else if (scan.stop() != null && !newest) {
                log.warn(
                        "Op-log segment {} has unreadable bytes at offset {} ({}) that no later index is missing"
                                + " (an abandoned failed write, or covered by the snapshot): left as they are",
                        file,
                        scan.stop().offset(),
                        scan.stop().reason());
            } else if (scan.torn()) {
                log.warn(
                        "Op-log segment {} ends in a torn record at offset {} ({}): cut off, it was never acknowledged",
                        file.getFileName(),
                        scan.stop().offset(),
                        scan.stop().reason());
                truncate(file, scan.validBytes());
            }
            kept.add(Segment.existing(file, scan.validBytes(), scan.records()));
        }
        if (lastIndex < newestClaimed) {
            missing(
                    "snapshot " + snapshotFiles.get(0) + " covers up to index " + newestClaimed + " but fails its"
                            + " checks, and the snapshots and op log that are readable end at index " + lastIndex,
                    List.of());
        }
        long orphans = replayer.orphans();
        if (orphans > 0) {
            String what =
                    orphans + " op-log records name databases that were never created: " + replayer.orphanDatabases();
            if (mode == RecoveryMode.STRICT) {
                throw new RecoveryRefusedException(what
                        + ". Their creation is missing from the snapshots and the op log. Refusing to start."
                        + LENIENT_HINT);
            }
            log.error("{}; lenient recovery ignores them", what);
        }
        for (Path file : damaged) {
            setAside(file);
        }
        opLog.start(lastIndex, kept, snapshotIndex, snapshotTerm);
        long keys = 0;
        int dbs = 0;
        for (Database db : databases.all()) {
            if (!Databases.ADMIN_DB.equals(db.name())) {
                dbs++;
                keys += db.size() - 1;
            }
        }
        log.info(
                "Storage loaded in {} ms from {}: {} databases, {} keys; snapshot {} ({} records), {} op-log records replayed from {} segments; next index {}",
                (System.nanoTime() - t0) / 1_000_000,
                dataDir,
                dbs,
                keys,
                snapshot == null ? "none" : snapshot.file().getFileName() + " in " + snapshot.millis() + " ms",
                fromSnapshot,
                replayed,
                kept.size(),
                lastIndex + 1);
    }

    /**
     * What is wrong where the scan stopped, or null when nothing acknowledged is lost: only the
     * newest segment may end in a torn record; a closed segment may end in unreadable bytes only
     * when the next segment starts right after its last readable index (a failed write that was
     * never acknowledged), or when the snapshot covers what is missing.
     */
    private static String damage(SegmentReader.Scan scan, Path file, boolean newest, long nextFirst, long base)
            throws IOException {
        if (scan.stop() == null || scan.stop().reason().startsWith("zero-filled")) {
            return null;
        }
        if (newest) {
            if (scan.corrupt()) {
                return scan.stop().reason();
            }
            long later = SegmentReader.validRecordAfter(file, scan.stop().offset(), scan.lastIndex());
            return later < 0
                    ? null
                    : scan.stop().reason() + ", with a valid record after it at offset " + later
                            + " (damage, not a torn write)";
        }
        if (nextFirst - 1 > Math.max(scan.lastIndex(), base)) {
            return scan.stop().reason() + " in a closed segment: indexes " + (Math.max(scan.lastIndex(), base) + 1)
                    + " to " + (nextFirst - 1) + " are lost";
        }
        return null;
    }

    /** Part of the log is gone: refuse (strict), or start without it and move what follows aside. */
    private void missing(String what, List<Path> after) throws IOException {
        if (mode == RecoveryMode.STRICT) {
            throw new RecoveryRefusedException(what + ": the data in between is missing. Refusing to start rather"
                    + " than start with less data than the files hold." + LENIENT_HINT);
        }
        log.error("{}: the data in between is missing. Lenient recovery: starting with what can be read", what);
        if (!after.isEmpty()) {
            quarantine(List.copyOf(after), false);
        }
    }

    private static void refuseFile(Path dir, String what) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RecoveryRefusedException(
                    "The " + what + " " + dir + " is a file, not a directory. Refusing to start: move it away"
                            + " (it may be the data, misplaced) or restore the directory.");
        }
    }

    /** Temp files left by a crash while a snapshot was written or received: never valid data. */
    private static void removeStaleTemps(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> temps;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            temps = s.filter(p -> name(p).endsWith(".tmp") && Files.isRegularFile(p))
                    .toList();
        }
        for (Path p : temps) {
            Files.deleteIfExists(p);
            log.info("Removed {} left by an interrupted snapshot", p);
        }
    }

    /** Keeps a damaged snapshot as evidence, out of the way of the next snapshot with its name. */
    private void setAside(Path file) throws IOException {
        Path dir = store.directory().resolve("damaged");
        PrivateFiles.createDirectories(dir);
        Path target = dir.resolve(name(file) + "." + System.currentTimeMillis());
        Files.move(file, target);
        log.error("Moved the damaged snapshot {} to {}", file, target);
    }

    private static String describe(SnapshotStore.SnapshotInfo snapshot) {
        return snapshot == null ? "no readable snapshot" : "snapshot " + snapshot.file();
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        } catch (IOException e) {
            log.warn("Could not cut the torn tail off {}: {}", file, e.toString());
        }
    }

    private void quarantine(List<Path> files) throws IOException {
        quarantine(files, true);
    }

    /** Moves {@code files} to {@code oplog-quarantine/}; with {@code copyFirst} the first is copied (it stays, cut). */
    private void quarantine(List<Path> files, boolean copyFirst) throws IOException {
        Path dir = dataDir.resolve("oplog-quarantine");
        PrivateFiles.createDirectories(dir);
        for (Path f : files) {
            Path target = dir.resolve(f.getFileName() + "." + System.currentTimeMillis());
            if (copyFirst && f.equals(files.get(0))) {
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                log.error("Copied the damaged op-log segment {} to {}", f.getFileName(), target);
            } else {
                Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
                log.error("Moved op-log segment {} (after the damage) to {}", f.getFileName(), target);
            }
        }
    }
}
