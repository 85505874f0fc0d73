package io.nundb.storage.snapshot;

import java.util.Locale;

/** What recovery does with a corrupt op-log record in the middle of the log. */
public enum RecoveryMode {
    /** Refuse to start, naming the file and offset. */
    STRICT,
    /**
     * Start with everything before the corruption: the damaged segment is copied to {@code
     * oplog-quarantine/} and cut at the damage, the segments after it are moved there.
     */
    LENIENT;

    public static RecoveryMode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
