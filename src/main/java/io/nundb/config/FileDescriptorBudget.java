package io.nundb.config;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connections below the process's file-descriptor limit: every connection holds one,
 * and the op log, snapshots and probes need theirs too. The four client doors share one budget
 * ({@link io.nundb.transport.ConnectionBudget}) of {@code ulimit -n} less a reserve (the files
 * open at start plus {@value #RESERVE}); a door's own {@code NUN_MAX_CONNECTIONS} above that
 * budget is lowered to it, and a WARN says so once. A full door or budget then refuses new clients
 * with its clear message instead of the process running out of descriptors, where it could not
 * accept, write its op log or answer probes. Read at start on the configuration thread.
 */
final class FileDescriptorBudget {

    private static final Logger log = LoggerFactory.getLogger(FileDescriptorBudget.class);

    /** Descriptors kept for op-log segments, snapshots, probes and connections refused on accept. */
    static final int RESERVE = 128;

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private FileDescriptorBudget() {}

    /** The connections all doors may hold together: what the descriptor limit leaves. */
    static int nodeWide() {
        if (!(ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return Integer.MAX_VALUE;
        }
        return nodeWide(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
    }

    static int nodeWide(long maxFds, long openFds) {
        if (maxFds <= 0 || openFds < 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxFds - openFds - RESERVE));
    }

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
        long share = nodeWide(maxFds, openFds);
        if (share >= configured) {
            return configured;
        }
        if (WARNED.compareAndSet(false, true)) {
            log.warn(
                    "The process may open {} files (ulimit -n) and has {} open: at most {} connections in all"
                            + " doors together instead of NUN_MAX_CONNECTIONS={} per door. Raise the limit"
                            + " (docs/security.md).",
                    maxFds,
                    openFds,
                    share,
                    configured);
        }
        return (int) share;
    }
}
