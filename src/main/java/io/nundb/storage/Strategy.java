package io.nundb.storage;

/** Conflict strategy of a database, chosen at {@code create-db}. */
public enum Strategy {
    NONE("none"),
    NEWER("newer"),
    ARBITER("arbiter");

    private final String word;

    Strategy(String word) {
        this.word = word;
    }

    /** The protocol word ({@code none|newer|arbiter}). */
    public String word() {
        return word;
    }

    /** NunDB reads anything that is not {@code arbiter} or {@code newer} as {@code none}. */
    public static Strategy fromWord(String word) {
        if (word == null) {
            return NONE;
        }
        return switch (word) {
            case "arbiter" -> ARBITER;
            case "newer" -> NEWER;
            default -> NONE;
        };
    }
}
