package io.nundb.storage;

/**
 * one log entry: the resulting state of one change, so that replaying records in index
 * order rebuilds the store exactly (replay is idempotent).
 *
 * @param index monotonically increasing position in the log, assigned by the op log (0 before)
 * @param term replication term (0 until the cluster assigns terms)
 * @param type what the record does
 * @param db database name
 * @param key key (the token for {@link OpType#CREATE_DB})
 * @param version resulting version of the key
 * @param value resulting value (the strategy word for {@link OpType#CREATE_DB}, empty for remove)
 */
public record LogEntry(long index, long term, OpType type, String db, String key, int version, String value) {

    public static LogEntry createDb(String db, String token, String strategyWord) {
        return new LogEntry(0, 0, OpType.CREATE_DB, db, token, 0, strategyWord);
    }

    public static LogEntry put(String db, String key, int version, String value) {
        return new LogEntry(0, 0, OpType.PUT, db, key, version, value);
    }

    public static LogEntry remove(String db, String key, int version) {
        return new LogEntry(0, 0, OpType.REMOVE, db, key, version, "");
    }

    /** A cluster membership change: {@code members} is the new member set, sorted, comma-separated. */
    public static LogEntry config(String members) {
        return new LogEntry(0, 0, OpType.CONFIG, "", "", 0, members);
    }

    public LogEntry withIndex(long newIndex, long newTerm) {
        return new LogEntry(newIndex, newTerm, type, db, key, version, value);
    }
}
