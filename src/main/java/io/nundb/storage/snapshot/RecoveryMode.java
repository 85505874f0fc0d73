package io.nundb.storage.snapshot;

import java.util.Locale;

/** What recovery does with a corrupt op-log record in the middle of the log. */
public enum RecoveryMode {
    /** Refuse to start, naming the file and offset. */
    STRICT,
    /**
     * Start with everything before the corruption; the damaged segment and the ones after it are
     * moved to {@code oplog-quarantine/} for inspection.
     */
    LENIENT;

    public static RecoveryMode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
