package io.nundb.cluster;

import java.util.Locale;

/** When the primary answers a write ({@code NUN_REPLICATION_ACK}). */
public enum AckMode {
    /**
     * NunDB's protocol: once the entry is in the primary's op log under its fsync policy;
     * replication follows. A failover can lose what the new primary had not received yet.
     */
    LAZY,
    /** Once a majority of the members hold the entry durably: nothing acknowledged is lost on failover. */
    MAJORITY;

    /** {@code lazy} or {@code majority} (any case); blank means {@link #LAZY}. */
    public static AckMode parse(String text) {
        if (text == null || text.isBlank()) {
            return LAZY;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "lazy" -> LAZY;
            case "majority" -> MAJORITY;
            default ->
                throw new IllegalArgumentException(
                        "NUN_REPLICATION_ACK must be lazy or majority, not '" + text.trim() + "'");
        };
    }
}
