package io.nundb.storage.oplog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the op log can currently store writes. Read by health and metrics code; changes of state
 * are logged once, not per failed write.
 */
public final class DiskHealth {

    private static final Logger log = LoggerFactory.getLogger(DiskHealth.class);

    private volatile String problem;

    /** True while writes are being stored. */
    public boolean writable() {
        return problem == null;
    }

    /** What went wrong last, or null while {@link #writable()}. */
    public String problem() {
        return problem;
    }

    void failed(String what) {
        if (problem == null) {
            log.error(
                    "Storage failing, writes are rejected until the disk recovers (reads and watches go on): {}", what);
        }
        problem = what;
    }

    void recovered() {
        if (problem != null) {
            log.info("Storage writable again after: {}", problem);
        }
        problem = null;
    }
}
