package io.nundb.storage.oplog;

import java.time.Duration;

/**
 * How the op log writes.
 *
 * @param fsync when records are forced to the device
 * @param fsyncInterval period of the background fsync for {@link FsyncPolicy#INTERVAL}
 * @param segmentBytes a segment is closed and a new one started once it holds this many bytes
 * @param maxLogBytes once the segments together pass this size a snapshot is asked for, after
 *     which the segments it covers are deleted
 */
public record OpLogOptions(FsyncPolicy fsync, Duration fsyncInterval, long segmentBytes, long maxLogBytes) {

    public OpLogOptions {
        if (fsync == null) {
            fsync = FsyncPolicy.INTERVAL;
        }
        if (fsyncInterval == null || fsyncInterval.isZero() || fsyncInterval.isNegative()) {
            fsyncInterval = Duration.ofMillis(100);
        }
        if (segmentBytes <= 0) {
            segmentBytes = 64L * 1024 * 1024;
        }
        // recovery maps a segment in one piece: keep it well below 2 GB
        segmentBytes = Math.min(segmentBytes, 1L << 30);
        if (maxLogBytes <= 0) {
            maxLogBytes = 1L << 30;
        }
    }

    public static OpLogOptions defaults() {
        return new OpLogOptions(FsyncPolicy.INTERVAL, Duration.ofMillis(100), 64L * 1024 * 1024, 1L << 30);
    }

    public OpLogOptions withFsync(FsyncPolicy policy) {
        return new OpLogOptions(policy, fsyncInterval, segmentBytes, maxLogBytes);
    }

    public OpLogOptions withSegmentBytes(long bytes) {
        return new OpLogOptions(fsync, fsyncInterval, bytes, maxLogBytes);
    }

    public OpLogOptions withMaxLogBytes(long bytes) {
        return new OpLogOptions(fsync, fsyncInterval, segmentBytes, bytes);
    }
}
