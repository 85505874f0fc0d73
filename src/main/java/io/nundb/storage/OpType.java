package io.nundb.storage;

/** What one op-log record does. Every state change of the store is one of these. */
public enum OpType {
    /** A database was created: {@code key} holds the token, {@code value} the strategy word. */
    CREATE_DB((byte) 1),
    /** A key now holds {@code value} at {@code version} (set, set-safe, increment, users, conflicts...). */
    PUT((byte) 2),
    /** A key was removed; the tombstone has {@code version}. */
    REMOVE((byte) 3),
    /** A Raft leader's first entry of its term: changes nothing, replay skips it. */
    NOOP((byte) 4),
    /**
     * The cluster's member set from here on: {@code value} holds the members' addresses, sorted and
     * comma-separated. Changes no data.
     */
    CONFIG((byte) 5);

    private final byte code;

    OpType(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static OpType fromCode(byte code) {
        for (OpType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown op-log record type " + code);
    }
}
