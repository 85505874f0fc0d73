package io.nundb.config;

import io.nundb.transport.ConnectionBudget;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connections below the process's file-descriptor limit: every connection holds one,
 * and the op log, snapshots and probes need theirs too. The four client doors share one budget,
 * {@code ulimit -n} less the files open at start less {@value #RESERVE}; each door is still held
 * to {@code NUN_MAX_CONNECTIONS} and keeps {@value ConnectionBudget#DEFAULT_GUARANTEED_PERCENT} %
 * of the budget the others cannot take ({@link ConnectionBudget}). When the budget cannot hold
 * {@code NUN_MAX_CONNECTIONS} on every door at once, a WARN says so once. A full budget then
 * refuses new clients with each door's clear message instead of the process running out of
 * descriptors, where it could not accept, write its op log or answer probes. Read at start on the
 * configuration thread.
 */
final class FileDescriptorBudget {

    private static final Logger log = LoggerFactory.getLogger(FileDescriptorBudget.class);

    /** Descriptors kept for op-log segments, snapshots, probes and connections refused on accept. */
    static final int RESERVE = 128;
    /** TCP, WebSocket, HTTP and RSocket share the budget. */
    static final int DOORS = ConnectionBudget.Door.values().length;

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private FileDescriptorBudget() {}

    /** The doors' budget for {@code configured} connections per door under this process's descriptor limit. */
    static ConnectionBudget budget(int configured) {
        if (!(ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return ConnectionBudget.perDoor(configured);
        }
        return budget(configured, unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
    }

    static ConnectionBudget budget(int configured, long maxFds, long openFds) {
        if (maxFds <= 0 || openFds < 0) {
            return ConnectionBudget.perDoor(configured);
        }
        long all = Math.max(DOORS, maxFds - openFds - RESERVE);
        if (all >= (long) DOORS * configured) {
            return ConnectionBudget.perDoor(configured);
        }
        ConnectionBudget budget = new ConnectionBudget(
                all, configured, (int) Math.max(1, all * ConnectionBudget.DEFAULT_GUARANTEED_PERCENT / 100));
        if (WARNED.compareAndSet(false, true)) {
            log.warn(
                    "The process may open {} files (ulimit -n) and has {} open: at most {} connections on all doors"
                            + " together, at most {} on one door, {} kept for each door"
                            + " (NUN_MAX_CONNECTIONS={} per door). Raise the limit (docs/security.md).",
                    maxFds,
                    openFds,
                    all,
                    Math.min(configured, all - (long) (DOORS - 1) * budget.guaranteed()),
                    budget.guaranteed(),
                    configured);
        }
        return budget;
    }
}
