package io.nundb.storage;

/**
 * One stored key: its value, its version and the id of the change that produced it.
 *
 * <p>A removed key stays as a tombstone ({@code deleted}) so that its version keeps counting up
 * and an old {@code set-safe} cannot resurrect it.
 *
 * @param value the value text, never null ({@link #EMPTY} for a tombstone)
 * @param version the NunDB version (-2 while the key is in arbiter conflict)
 * @param oppId the change id (nanosecond clock) used by the {@code newer} strategy
 * @param deleted whether this is a tombstone
 */
public record VersionedValue(String value, int version, long oppId, boolean deleted) {

    /** The text NunDB shows for a missing value. */
    public static final String EMPTY = "<Empty>";

    public static VersionedValue live(String value, int version, long oppId) {
        return new VersionedValue(value, version, oppId, false);
    }

    public static VersionedValue tombstone(int version, long oppId) {
        return new VersionedValue(EMPTY, version, oppId, true);
    }
}
