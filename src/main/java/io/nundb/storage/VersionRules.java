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
     * {@link Integer#MIN_VALUE} when the change conflicts with the stored version. A change that
     * would take the version past {@link Integer#MAX_VALUE} is a conflict too (NunDB overflowed).
     */
    public static int nextVersion(VersionedValue current, int requested, boolean resolving) {
        if (current == null) {
            return successor(requested);
        }
        int c = current.version();
        if (requested == CONFLICT) {
            return CONFLICT;
        }
        if (resolving) {
            return successor(c == CONFLICT ? requested : c);
        }
        if (c == CONFLICT) {
            return Integer.MIN_VALUE;
        }
        int next = successor(requested == ANY ? c : requested);
        return next <= c ? Integer.MIN_VALUE : next;
    }

    /** Whether no change can ever give this key a higher version (so no strategy can store one). */
    public static boolean exhausted(VersionedValue current) {
        return current != null && current.version() == Integer.MAX_VALUE;
    }

    private static int successor(int version) {
        return version == Integer.MAX_VALUE ? Integer.MIN_VALUE : version + 1;
    }

    public static boolean isConflict(int nextVersion) {
        return nextVersion == Integer.MIN_VALUE;
    }
}
