package io.nundb.node;

import io.nundb.security.SecretHash;
import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.oplog.SegmentChannel;
import io.nundb.storage.snapshot.RecoveryMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything a {@link NunDbNode} is built from.
 *
 * @param dataDir the data directory ({@code oplog/}, {@code snapshots/}), or null for a node that
 *     keeps everything in memory
 * @param adminUser the admin user
 * @param adminPassword the admin password, or its hash ({@link SecretHash}; the {@code $admin} token)
 * @param nodeName this node's name in {@code cluster-state}
 * @param opLog fsync policy, segment size, op-log size limit
 * @param recoveryMode what to do with a corrupt op-log record at start
 * @param declutterInterval how often a snapshot is taken when something changed
 * @param shutdownTimeout how long {@link NunDbNode#close} waits for its last snapshot
 * @param clock the node's clock (change ids)
 * @param segments how op-log segment files are opened (tests inject a failing disk)
 * @param secretHashIterations PBKDF2 iterations for the secrets the node hashes (0: the default)
 */
public record NodeOptions(
        Path dataDir,
        String adminUser,
        String adminPassword,
        String nodeName,
        OpLogOptions opLog,
        RecoveryMode recoveryMode,
        Duration declutterInterval,
        Duration shutdownTimeout,
        Clock clock,
        SegmentChannel.Opener segments,
        int secretHashIterations) {

    public NodeOptions {
        opLog = opLog == null ? OpLogOptions.defaults() : opLog;
        recoveryMode = recoveryMode == null ? RecoveryMode.STRICT : recoveryMode;
        declutterInterval = declutterInterval == null ? Duration.ofSeconds(300) : declutterInterval;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(60) : shutdownTimeout;
        clock = clock == null ? Clock.systemUTC() : clock;
        segments = segments == null ? SegmentChannel.FILES : segments;
        secretHashIterations = secretHashIterations <= 0 ? SecretHash.DEFAULT_ITERATIONS : secretHashIterations;
    }

    /** A node on {@code dataDir} with the defaults (fsync every 100 ms, strict recovery). */
    public static NodeOptions onDisk(Path dataDir, String nodeName, String adminUser, String adminPassword) {
        return new NodeOptions(dataDir, adminUser, adminPassword, nodeName, null, null, null, null, null, null, 0);
    }

    /** A node without disk. */
    public static NodeOptions inMemory(String nodeName, String adminUser, String adminPassword) {
        return onDisk(null, nodeName, adminUser, adminPassword);
    }

    public boolean inMemory() {
        return dataDir == null;
    }

    public NodeOptions withFsync(FsyncPolicy policy) {
        return withOpLog(opLog.withFsync(policy));
    }

    public NodeOptions withOpLog(OpLogOptions o) {
        return new NodeOptions(
                dataDir,
                adminUser,
                adminPassword,
                nodeName,
                o,
                recoveryMode,
                declutterInterval,
                shutdownTimeout,
                clock,
                segments,
                secretHashIterations);
    }

    public NodeOptions withRecovery(RecoveryMode mode, Duration declutter, Duration shutdown) {
        return new NodeOptions(
                dataDir,
                adminUser,
                adminPassword,
                nodeName,
                opLog,
                mode,
                declutter,
                shutdown,
                clock,
                segments,
                secretHashIterations);
    }

    public NodeOptions withClock(Clock c) {
        return new NodeOptions(
                dataDir,
                adminUser,
                adminPassword,
                nodeName,
                opLog,
                recoveryMode,
                declutterInterval,
                shutdownTimeout,
                c,
                segments,
                secretHashIterations);
    }

    public NodeOptions withSegments(SegmentChannel.Opener opener) {
        return new NodeOptions(
                dataDir,
                adminUser,
                adminPassword,
                nodeName,
                opLog,
                recoveryMode,
                declutterInterval,
                shutdownTimeout,
                clock,
                opener,
                secretHashIterations);
    }

    /** With {@code iterations} PBKDF2 iterations for new secret hashes. */
    public NodeOptions withSecretHashIterations(int iterations) {
        return new NodeOptions(
                dataDir,
                adminUser,
                adminPassword,
                nodeName,
                opLog,
                recoveryMode,
                declutterInterval,
                shutdownTimeout,
                clock,
                segments,
                iterations);
    }
}
