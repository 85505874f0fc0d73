package io.nundb.config;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connection limits below the process's file-descriptor limit: every connection holds
 * one, and the op log, snapshots and probes need theirs too. When {@code NUN_MAX_CONNECTIONS}
 * for each of the four client doors together would pass {@code ulimit -n} less a reserve (the
 * files open at start plus {@value #RESERVE}), each door's limit is lowered to its share and a
 * WARN says so once. A full door then refuses new clients with its clear message instead of the
 * process running out of descriptors, where it could not accept, write its op log or answer
 * probes. Read at start on the configuration thread.
 */
final class FileDescriptorBudget {

    private static final Logger log = LoggerFactory.getLogger(FileDescriptorBudget.class);

    /** Descriptors kept for op-log segments, snapshots, probes and connections refused on accept. */
    static final int RESERVE = 128;
    /** TCP, WebSocket, HTTP and RSocket each count their connections alone. */
    static final int DOORS = 4;

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private FileDescriptorBudget() {}

    /** {@code configured} per door, or less when the descriptor limit cannot hold it. */
    static int capPerDoor(int configured) {
        if (!(ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return configured;
        }
        return capPerDoor(configured, unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
    }

    static int capPerDoor(int configured, long maxFds, long openFds) {
        if (maxFds <= 0 || openFds < 0) {
            return configured;
        }
        long share = Math.max(1, (maxFds - openFds - RESERVE) / DOORS);
        if (share >= configured) {
            return configured;
        }
        if (WARNED.compareAndSet(false, true)) {
            log.warn(
                    "The process may open {} files (ulimit -n) and has {} open: at most {} connections per door"
                            + " instead of NUN_MAX_CONNECTIONS={}. Raise the limit (docs/security.md).",
                    maxFds,
                    openFds,
                    share,
                    configured);
        }
        return (int) share;
    }
}
