package io.nundb.storage;

/**
 * What a mutation decided to do with a key, given its current value. Produced under the key's lock
 * by the function passed to {@link Database#mutate}, against the latest decided value.
 */
public sealed interface Decision {

    /** Store {@code value} at {@code version}. */
    record Put(String value, int version) implements Decision {}

    /** Replace the key by a tombstone with {@code version}. */
    record Remove(int version) implements Decision {}

    /** Change nothing, notify nobody; {@code reason} is handed back to the caller. */
    record Reject(Object reason) implements Decision {}

    static Decision put(String value, int version) {
        return new Put(value, version);
    }

    static Decision reject(Object reason) {
        return new Reject(reason);
    }
}
