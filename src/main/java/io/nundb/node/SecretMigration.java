package io.nundb.node;

import io.nundb.command.PlainSecrets;
import io.nundb.storage.AppliedListener;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.PrivateFiles;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.Segment;
import io.nundb.storage.snapshot.SnapshotStore;
import io.nundb.storage.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the plain secrets an earlier version stored off the disk: rewrites them as hashes ({@link
 * PlainSecrets}, keeping their versions so no logged-in session is revoked), then takes a snapshot
 * that replaces every older snapshot and op-log segment.
 *
 * <p>A marker file ({@value #MARKER}, fsync'd, owner-only) says "files here may still hold plain
 * secrets" and holds the last op-log index the earlier version wrote (this version starts a new
 * segment at every start and writes only hashes): written before the first rewrite, removed only
 * once a replacing snapshot left no segment starting at or below that index (and, as it replaces
 * them, no older snapshot). A start that finds it takes the replacing snapshot even if memory holds
 * no plain secret any more (an earlier start rewrote them and died before its snapshot).
 *
 * <p>Which secrets are plain is learnt from memory after recovery; each one leaves that set when
 * an applied entry gives its key a hash or removes it — written here (a node alone, the primary) or
 * replicated from the primary (a follower). Once the set is empty the replacing snapshot is taken,
 * on every node. Threading: a node alone rewrites and snapshots on the thread that starts it; the
 * rest runs on this migration's own thread ({@code nundb-plain-secrets}), handed work by {@link
 * #primaryReady} (from the Raft thread, which it never blocks) and by the applied-entry listener
 * (the apply thread); {@link #finishIfDone} is synchronized, so only one of them snapshots.
 */
final class SecretMigration implements AppliedListener {

    private static final Logger log = LoggerFactory.getLogger(SecretMigration.class);

    static final String MARKER = "plain-secrets.pending";

    /**
     * When a snapshot could not replace every older file (the primary keeps segments a lagging
     * follower still needs), it is tried again after 1 s, 2 s, 4 s… this many times (about four
     * minutes in all), then left to the next start: each try is a full snapshot.
     */
    private static final int RETRIES = 8;

    private final Databases databases;
    private final Snapshotter snapshotter;
    private final OpLog opLog;
    private final Path marker;
    private final Function<String, CompletableFuture<String>> hasher;
    private final Duration timeout;
    private final Set<String> plainLeft = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nundb-plain-secrets");
        t.setDaemon(true);
        return t;
    });
    // the last op-log index an earlier version may have written a plain secret at; set once at start
    private volatile long earlierRunsUpTo;
    // whether files may still hold plain secrets (the marker says so, or this start found some)
    private volatile boolean filesMayHoldPlain;
    // a test's crash: the rewrite happens, the replacing snapshot does not
    private volatile boolean stopBeforeSnapshot;

    SecretMigration(
            Path dataDir,
            Databases databases,
            Snapshotter snapshotter,
            OpLog opLog,
            Function<String, CompletableFuture<String>> hasher,
            Duration timeout) {
        this.databases = databases;
        this.snapshotter = snapshotter;
        this.opLog = opLog;
        this.marker = dataDir.resolve(MARKER);
        this.hasher = hasher;
        this.timeout = timeout;
    }

    /** The test seam: rewrite, then stop as if the process died before the replacing snapshot. */
    void stopBeforeSnapshot() {
        stopBeforeSnapshot = true;
    }

    /** A node alone, on its starting thread before any door opens: rewrite, then replace the old files. */
    void runAlone() {
        findPlain();
        if (!plainLeft.isEmpty()) {
            int rewritten = PlainSecrets.hashAll(databases, hasher);
            log.info("Hashed {} secrets an earlier version stored in plain text", rewritten);
        }
        finishIfDone(0);
    }

    /** A clustered node at start: learns what is plain; a marker left by an earlier start is acted on. */
    void startClustered() {
        findPlain();
        submit(() -> finishIfDone(0));
    }

    /**
     * This node became the ready primary (its no-op at {@code noopIndex}): once that is applied it
     * rewrites the plain secrets through the cluster's write path. Called on the Raft thread; the work
     * runs on this migration's thread.
     */
    void primaryReady(long noopIndex) {
        // memory is scanned whatever this start found: plain secrets may have come since (a
        // snapshot installed from an older primary, an import)
        submit(() -> {
            try {
                databases.stateMachine().whenApplied(noopIndex).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                int rewritten = PlainSecrets.hashAll(databases, hasher);
                if (rewritten > 0) {
                    log.info("Hashed {} secrets an earlier version stored in plain text, as the primary", rewritten);
                }
            } catch (ExecutionException | TimeoutException e) {
                log.warn("Plain secrets not rewritten yet (the next election tries again): {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void onApplied(LogEntry entry, String key, VersionedValue value) {
        if (plainLeft.isEmpty() || PlainSecrets.isPlainSecret(key, value)) {
            return;
        }
        if (plainLeft.remove(id(entry.db(), key)) && plainLeft.isEmpty()) {
            submit(() -> finishIfDone(0));
        }
    }

    /** Runs {@code work} on this migration's thread; nothing once the node closes. */
    private void submit(Runnable work) {
        later(work, 0);
    }

    private void later(Runnable work, long delayMillis) {
        try {
            worker.schedule(work, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the node is closing: the marker (if any) makes the next start finish
        }
    }

    void close() {
        worker.shutdownNow();
    }

    private static String id(String db, String key) {
        return db + '\0' + key;
    }

    private void findPlain() {
        // this run writes only hashes, from a new segment on: what may be plain is at or below this
        // (or below what the marker of the start that first found them says)
        earlierRunsUpTo = opLog.lastIndex();
        for (Database db : databases.all()) {
            if (Databases.ADMIN_DB.equals(db.name())) {
                continue;
            }
            db.forEachEntry((key, value) -> {
                if (PlainSecrets.isPlainSecret(key, value)) {
                    plainLeft.add(id(db.name(), key));
                }
            });
        }
        if (Files.exists(marker)) {
            earlierRunsUpTo = readMarker();
            filesMayHoldPlain = true;
        } else if (!plainLeft.isEmpty()) {
            filesMayHoldPlain = true;
            try {
                writeMarker(earlierRunsUpTo);
            } catch (IOException e) {
                // without it a crash before the snapshot leaves plain text until normal retention
                log.warn("Could not write {}: {}", marker, e.toString());
            }
        }
    }

    /** The last index an earlier version may have written plain secrets at, as the marker says. */
    private long readMarker() {
        try {
            String text = Files.readString(marker, StandardCharsets.US_ASCII).trim();
            return Long.parseLong(text.substring(text.lastIndexOf(' ') + 1));
        } catch (IOException | RuntimeException e) {
            log.warn("Unreadable {} ({}): every segment before this start counts as holding plain secrets", marker, e);
            return opLog.lastIndex();
        }
    }

    /**
     * Once no plain secret is left in memory and the marker says files may hold some, takes the
     * replacing snapshot; removes the marker once no older file is left.
     */
    private synchronized void finishIfDone(int attempt) {
        if (!plainLeft.isEmpty() || !filesMayHoldPlain || stopBeforeSnapshot) {
            return;
        }
        try {
            SnapshotStore.SnapshotInfo info =
                    snapshotter.snapshotReplacingOlder().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (olderSegmentsKept()) {
                opLog.requestRoll();
                // a follower still needs them (the primary keeps what followers lack)
                if (attempt < RETRIES) {
                    later(() -> finishIfDone(attempt + 1), 1000L << attempt);
                } else {
                    log.warn("Op-log segments that may hold plain secrets stay until a later start");
                }
                return;
            }
            Files.deleteIfExists(marker);
            filesMayHoldPlain = false;
            log.info("The files that held plain secrets are replaced by snapshot {}", info.file());
        } catch (ExecutionException | TimeoutException | IOException e) {
            // logged by the snapshotter; the marker stays, so the next start tries again
            log.warn("The old files holding plain secrets stay for now: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a segment that an earlier run wrote (which may hold plain secrets) is still on disk. */
    private boolean olderSegmentsKept() {
        List<Segment> segments = opLog.segments();
        return !segments.isEmpty() && segments.get(0).firstIndex() <= earlierRunsUpTo;
    }

    private void writeMarker(long upTo) throws IOException {
        try (FileChannel ch = FileChannel.open(
                marker,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                PrivateFiles.file())) {
            // the files of the versions that stored secrets in plain text end at this op-log index
            ch.write(ByteBuffer.wrap(("plain-secrets-up-to " + upTo + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try (FileChannel dir = FileChannel.open(marker.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
