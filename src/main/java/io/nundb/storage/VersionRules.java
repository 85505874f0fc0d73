package io.nundb.storage;

/** NunDB's version arithmetic (reference 4.2), in one place. */
public final class VersionRules {

    /** The version a client sends with {@code set}: "whatever comes next". */
    public static final int ANY = -1;

    /** The version of a key parked in arbiter conflict. */
    public static final int CONFLICT = -2;

    private VersionRules() {}

    /**
     * The version a change with client version {@code requested} would give the key, or
     * {@link Integer#MIN_VALUE} when the change conflicts with the stored version.
     */
    public static int nextVersion(VersionedValue current, int requested, boolean resolving) {
        if (current == null) {
            return requested + 1;
        }
        int c = current.version();
        if (requested == CONFLICT) {
            return CONFLICT;
        }
        if (resolving) {
            return (c == CONFLICT ? requested : c) + 1;
        }
        if (c == CONFLICT) {
            return Integer.MIN_VALUE;
        }
        int next = requested == ANY ? c + 1 : requested + 1;
        return next <= c ? Integer.MIN_VALUE : next;
    }

    public static boolean isConflict(int nextVersion) {
        return nextVersion == Integer.MIN_VALUE;
    }
}
