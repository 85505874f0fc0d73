package io.nundb.storage.snapshot;

import io.nundb.storage.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot arriving from the leader, written chunk by chunk to a temp file ({@code *.tmp}, removed
 * at start if a crash leaves it), then verified and installed atomically as the newest snapshot.
 * Used from one thread at a time (the follower's replication handler).
 */
public final class SnapshotReceiver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotReceiver.class);

    private final SnapshotStore store;
    private final long index;
    private final long term;
    private final Path tmp;
    private final FileChannel channel;
    private long received;
    private boolean finished;

    SnapshotReceiver(SnapshotStore store, long index, long term) throws IOException {
        this.store = store;
        this.index = index;
        this.term = term;
        PrivateFiles.createDirectories(store.directory());
        this.tmp = store.directory().resolve(SnapshotStore.fileName(index) + ".receiving.tmp");
        this.channel = FileChannel.open(
                tmp,
                java.util.Set.of(
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                PrivateFiles.file());
    }

    public long index() {
        return index;
    }

    public long term() {
        return term;
    }

    /** Bytes received so far: the offset the next chunk must start at. */
    public long received() {
        return received;
    }

    /**
     * Writes the chunk that starts at {@code offset}. A chunk that repeats bytes already received
     * (a retransmission) only adds what is new. Returns the offset expected next.
     *
     * @throws IOException when {@code offset} leaves a gap
     */
    public long write(long offset, byte[] chunk) throws IOException {
        if (finished) {
            throw new IllegalStateException("snapshot " + index + " already installed or aborted");
        }
        if (offset > received) {
            throw new IOException("snapshot chunk at offset " + offset + " leaves a gap: expected offset " + received);
        }
        long skip = received - offset;
        if (skip < chunk.length) {
            ByteBuffer data = ByteBuffer.wrap(chunk, (int) skip, chunk.length - (int) skip);
            while (data.hasRemaining()) {
                received += channel.write(data, received);
            }
        }
        return received;
    }

    /**
     * Forces the file, checks it (framing, every checksum, its index and term) and renames it to the
     * newest snapshot. Snapshots with a higher index (a divergent history) are moved to {@code
     * superseded/}, not deleted.
     *
     * @throws SnapshotStore.InvalidSnapshotException when it fails its checks (the temp file is removed)
     */
    public SnapshotStore.SnapshotInfo install() throws IOException {
        if (finished) {
            throw new IllegalStateException("snapshot " + index + " already installed or aborted");
        }
        channel.force(true);
        channel.close();
        finished = true;
        try {
            String problem = store.check(tmp);
            if (problem != null) {
                throw new SnapshotStore.InvalidSnapshotException(tmp, problem);
            }
            long[] header = SnapshotStore.header(tmp);
            if (header[0] != index || header[1] != term) {
                throw new SnapshotStore.InvalidSnapshotException(
                        tmp,
                        "holds index " + header[0] + " term " + header[1] + ", expected index " + index + " term "
                                + term);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        for (Path newer : store.list()) {
            if (SnapshotStore.indexOf(newer.getFileName().toString()) > index) {
                Path aside = store.directory().resolve("superseded");
                PrivateFiles.createDirectories(aside);
                Files.move(newer, aside.resolve(newer.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                log.warn("Moved snapshot {} to {}: the installed snapshot {} replaces it", newer, aside, index);
            }
        }
        Path target = store.directory().resolve(SnapshotStore.fileName(index));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SnapshotStore.forceDirectory(store.directory());
        log.info("Installed snapshot {} received from the leader (index {}, term {})", target, index, term);
        return new SnapshotStore.SnapshotInfo(target, index, term, -1, -1, Files.size(target), 0);
    }

    /** Abandons an unfinished transfer: the temp file is removed. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            finished = true;
            channel.close();
            Files.deleteIfExists(tmp);
        }
    }
}
