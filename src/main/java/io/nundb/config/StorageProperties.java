package io.nundb.config;

import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.storage.snapshot.RecoveryMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Storage settings ({@code nundb.storage.*}), fed from environment variables in
 * {@code application.yml}. The data directory, snapshot interval and op-log size limit are the
 * NunDB settings in {@link NunDbProperties} ({@code NUN_DBS_DIR}, {@code NUN_DECLUTTER_INTERVAL},
 * {@code NUN_MAX_OP_LOG_SIZE}).
 *
 * @param fsyncPolicy {@code always}, {@code interval} (default) or {@code never} ({@code NUN_FSYNC_POLICY})
 * @param fsyncInterval fsync period for {@code interval} ({@code NUN_FSYNC_INTERVAL}, ms, default 100)
 * @param segmentSize bytes per op-log segment file before a new one starts ({@code NUN_SEGMENT_SIZE})
 * @param recoveryMode {@code strict} (default: refuse to start on a corrupt record) or
 *     {@code lenient} (start with the data before it) ({@code NUN_RECOVERY_MODE})
 * @param shutdownTimeout how long a graceful shutdown waits for its final snapshot
 *     ({@code NUN_SHUTDOWN_SNAPSHOT_TIMEOUT}, seconds, default 60)
 */
@ConfigurationProperties("nundb.storage")
public record StorageProperties(
        FsyncPolicy fsyncPolicy,
        @DurationUnit(ChronoUnit.MILLIS) Duration fsyncInterval,
        long segmentSize,
        RecoveryMode recoveryMode,
        @DurationUnit(ChronoUnit.SECONDS) Duration shutdownTimeout) {

    public StorageProperties {
        fsyncPolicy = fsyncPolicy == null ? FsyncPolicy.INTERVAL : fsyncPolicy;
        fsyncInterval = fsyncInterval == null ? Duration.ofMillis(100) : fsyncInterval;
        segmentSize = segmentSize <= 0 ? 64L * 1024 * 1024 : segmentSize;
        recoveryMode = recoveryMode == null ? RecoveryMode.STRICT : recoveryMode;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(60) : shutdownTimeout;
    }
}
