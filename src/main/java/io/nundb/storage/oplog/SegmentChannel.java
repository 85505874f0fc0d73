package io.nundb.storage.oplog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The few file operations the op-log writer needs; a seam for tests that simulate a failing disk. */
public interface SegmentChannel extends AutoCloseable {

    /** Writes all of {@code buffer}. */
    void writeFully(ByteBuffer buffer) throws IOException;

    void force() throws IOException;

    /** Cuts the file back to {@code size} bytes and continues writing there. */
    void truncate(long size) throws IOException;

    @Override
    void close() throws IOException;

    /** Opens a new, empty segment file for writing. */
    interface Opener {
        SegmentChannel open(Path file) throws IOException;
    }

    /** Real files. */
    Opener FILES = file -> {
        FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return new SegmentChannel() {
            @Override
            public void writeFully(ByteBuffer buffer) throws IOException {
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
            }

            @Override
            public void force() throws IOException {
                ch.force(false);
            }

            @Override
            public void truncate(long size) throws IOException {
                ch.truncate(size);
                ch.position(size);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    };
}
