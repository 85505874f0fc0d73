package io.nundb.storage;

/**
 * Told about every applied change, with the key's lock held, so that calls for one key arrive in
 * version order. Implementations must not block.
 */
public interface ChangeListener {

    /** A key now holds {@code value} (possibly a tombstone, when {@code value.deleted()}). */
    void onChange(String db, String key, VersionedValue value);

    ChangeListener NONE = (db, key, value) -> {};
}
