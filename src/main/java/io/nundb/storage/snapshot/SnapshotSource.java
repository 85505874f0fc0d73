package io.nundb.storage.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A verified snapshot file held open for shipping to a follower, read in chunks on the sender's
 * thread. The open file stays readable even if the snapshot thread deletes it meanwhile; close it
 * when done.
 */
public final class SnapshotSource implements AutoCloseable {

    private final Path file;
    private final long index;
    private final long term;
    private final FileChannel channel;
    private final long size;

    SnapshotSource(Path file, long index, long term) throws IOException {
        this.file = file;
        this.index = index;
        this.term = term;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
    }

    public Path file() {
        return file;
    }

    /** The last op-log index the snapshot covers. */
    public long index() {
        return index;
    }

    /** The term of the entry at {@link #index()}. */
    public long term() {
        return term;
    }

    /** Bytes in the file. */
    public long size() {
        return size;
    }

    /** Up to {@code maxBytes} from {@code offset} (empty at the end). */
    public byte[] chunk(long offset, int maxBytes) throws IOException {
        if (offset < 0 || offset > size || maxBytes < 0) {
            throw new IllegalArgumentException("chunk at " + offset + " of a " + size + "-byte snapshot");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, size - offset));
        while (buf.hasRemaining()) {
            if (channel.read(buf, offset + buf.position()) < 0) {
                throw new IOException("snapshot " + file + " ended early at " + (offset + buf.position()));
            }
        }
        return buf.array();
    }

    /** The whole file as a stream (not thread-safe with {@link #chunk}). */
    public InputStream inputStream() throws IOException {
        channel.position(0);
        return Channels.newInputStream(channel);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
