package io.nundb.storage.oplog;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A real segment file whose operations tests override to simulate a slow or failing disk. */
public class DelegatingChannel implements SegmentChannel {
    private final SegmentChannel real;

    public DelegatingChannel(SegmentChannel real) {
        this.real = real;
    }

    @Override
    public void writeFully(ByteBuffer buffer) throws IOException {
        real.writeFully(buffer);
    }

    @Override
    public void force() throws IOException {
        real.force();
    }

    @Override
    public void truncate(long size) throws IOException {
        real.truncate(size);
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
