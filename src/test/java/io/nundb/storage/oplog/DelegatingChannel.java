package io.nundb.storage.oplog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real segment file whose operations tests override to simulate a slow or failing disk. */
public class DelegatingChannel implements SegmentChannel {
    private final SegmentChannel real;

    public DelegatingChannel(SegmentChannel real) {
        this.real = real;
    }

    /** A disk whose writes on the writer thread wait for {@code go}: what is appended meanwhile queues up. */
    public static SegmentChannel.Opener gated(CountDownLatch go) {
        return path -> new DelegatingChannel(SegmentChannel.FILES.open(path)) {
            @Override
            public void writeFully(ByteBuffer buffer) throws IOException {
                if (Thread.currentThread().getName().equals("nundb-oplog-writer")) {
                    try {
                        go.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.writeFully(buffer);
            }
        };
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
