package io.nundb.storage.snapshot;

import io.nundb.storage.Database;
import io.nundb.storage.Databases;
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
 * Start-up: load the newest valid snapshot, replay the op-log records after its index, cut off a
 * torn last record, stop (or, lenient, quarantine) at a corrupt one, then start the op log after
 * the highest index found.
 */
public final class StartupRecovery implements Recovery {

    private static final Logger log = LoggerFactory.getLogger(StartupRecovery.class);

    private final Path dataDir;
    private final OpLog opLog;
    private final SnapshotStore store;
    private final RecoveryMode mode;
    private volatile long snapshotIndex;

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

    @Override
    public void recoverInto(Databases databases) {
        long t0 = System.nanoTime();
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            log.error("Data directory {} is not a directory: starting empty; writes will fail", dataDir);
            opLog.start(0, List.of());
            return;
        }
        if (!Files.exists(dataDir)) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                log.error(
                        "Cannot create data directory {} ({}): starting empty; writes will fail",
                        dataDir,
                        e.toString());
                opLog.start(0, List.of());
                return;
            }
        }
        try {
            recover(databases, t0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void recover(Databases databases, long t0) throws IOException {
        Replayer replayer = new Replayer(databases);
        SnapshotStore.SnapshotInfo snapshot = store.loadNewest(replayer::apply);
        long fromSnapshot = replayer.applied();
        long base = snapshot == null ? 0 : snapshot.index();
        snapshotIndex = base;
        databases.stateMachine().restoredUpTo(base);

        List<Path> files = SegmentReader.list(opLog.directory());
        List<Segment> kept = new ArrayList<>();
        long lastIndex = base;
        long replayed = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
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
            if (scan.corrupt()) {
                String where = "Corrupt op-log record in " + file + " at offset "
                        + scan.stop().offset() + ": " + scan.stop().reason();
                if (mode == RecoveryMode.STRICT) {
                    throw new CorruptLogException(where
                            + ". Refusing to start. To start anyway with the data up to this point, set"
                            + " NUN_RECOVERY_MODE=lenient (nundb.storage.recovery-mode=lenient).");
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
        opLog.start(lastIndex, kept);
        long keys = 0;
        int dbs = 0;
        for (Database db : databases.all()) {
            if (!Databases.ADMIN_DB.equals(db.name())) {
                dbs++;
                keys += db.size() - 1;
            }
        }
        long orphans = replayer.orphans();
        if (orphans > 0) {
            log.warn("{} op-log records name databases that were never created; ignored", orphans);
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

    private void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        } catch (IOException e) {
            log.warn("Could not cut the torn tail off {}: {}", file, e.toString());
        }
    }

    private void quarantine(List<Path> files) throws IOException {
        Path dir = dataDir.resolve("oplog-quarantine");
        Files.createDirectories(dir);
        for (Path f : files) {
            Path target = dir.resolve(f.getFileName() + "." + System.currentTimeMillis());
            if (f.equals(files.get(0))) {
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                log.error("Copied the damaged op-log segment {} to {}", f.getFileName(), target);
            } else {
                Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
                log.error("Moved op-log segment {} (after the damage) to {}", f.getFileName(), target);
            }
        }
    }
}
