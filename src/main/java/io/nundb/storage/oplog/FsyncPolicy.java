package io.nundb.storage.oplog;

import java.util.Locale;

/** When the op log forces written records to the device. */
public enum FsyncPolicy {
    /** fsync before the write is acknowledged: survives a power loss. */
    ALWAYS,
    /**
     * Acknowledge once the record is in the file (survives a process crash), fsync every interval
     * (a power loss loses at most the interval).
     */
    INTERVAL,
    /** Acknowledge once the record is in the file; the OS decides when it reaches the device. */
    NEVER;

    public static FsyncPolicy parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
