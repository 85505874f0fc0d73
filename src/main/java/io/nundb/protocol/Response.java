package io.nundb.protocol;

import java.util.List;

/**
 * What one command produced, typed: a {@link Value} with its version, a {@link KeyList}, a bare
 * {@link Ok}, the {@link DbList databases} with their strategies, {@link Text} for the commands whose answer is text by nature (ping, cluster-state,
 * debug …), or a {@link Failure} with an {@link ErrorCode}. The JSON doors read the typed parts;
 * the text doors send {@link #messages()} and then {@link Replies#terminal}, NunDB's bytes exactly.
 * The text is rendered when asked for, so a reply costs no more objects than the text alone did.
 */
public sealed interface Response permits Response.Success, Response.Failure {

    /** The final reply's kind on the text doors (and the metrics' outcome tag). */
    enum Outcome {
        OK,
        ERROR,
        VERSION_ERROR
    }

    String INVALID_VERSION = "Invalid version!";

    /** The data messages, each ending in LF, that the text doors send before the final reply. */
    List<String> messages();

    /** Whether the text doors end with {@code ok} or {@code error …}. */
    Outcome outcome();

    /** The text of the final {@code error <text> \n}; null when the outcome is ok. */
    String error();

    default boolean isOk() {
        return outcome() == Outcome.OK;
    }

    /** Any answer but a failure: the text doors end it with {@code ok}. */
    sealed interface Success extends Response permits Ok, Value, KeyList, DbList, Text {
        @Override
        default Outcome outcome() {
            return Outcome.OK;
        }

        @Override
        default String error() {
            return null;
        }
    }

    /** Done, nothing to tell ({@code ok \n}). */
    record Ok() implements Success {
        @Override
        public List<String> messages() {
            return List.of();
        }
    }

    /**
     * A key's value: {@code value <v>} for {@code get}, {@code value-version <n> <v>} for {@code
     * get-safe}.
     *
     * @param value null when the key does not exist (NunDB's {@code <Empty>})
     * @param version the stored version; 1 for a key that does not exist, as {@code get-safe} says
     * @param versioned whether the text form carries the version ({@code get-safe})
     */
    record Value(String key, int version, String value, boolean versioned) implements Success {
        @Override
        public List<String> messages() {
            String shown = shown();
            return List.of(versioned ? Replies.valueVersion(version, shown) : Replies.value(shown));
        }

        /** The value as the text form shows it ({@code <Empty>} for a key that does not exist). */
        public String shown() {
            return value == null ? Replies.EMPTY_VALUE : value;
        }
    }

    /** The keys a {@code keys} command matched, in NunDB's order; rendered {@code keys ,a,b}. */
    record KeyList(List<String> keys) implements Success {
        @Override
        public List<String> messages() {
            // "keys " then ",<key>" per key: an empty list is "keys \n", as NunDB sends it.
            StringBuilder sb = new StringBuilder(16 + keys.size() * 16).append("keys ");
            for (String k : keys) {
                sb.append(',').append(k);
            }
            return List.of(sb.append('\n').toString());
        }
    }

    /** A database and its conflict strategy's word ({@code none}, {@code newer}, {@code arbiter}). */
    record Db(String name, String strategy) {}

    /** The databases ({@code debug list-dbs}), by name; rendered {@code dbs-list \n<name> : <strategy>\n…}. */
    record DbList(List<Db> dbs) implements Success {
        @Override
        public List<String> messages() {
            // an empty list still ends in a blank line, as NunDB sends it
            StringBuilder sb = new StringBuilder("dbs-list \n");
            for (int i = 0; i < dbs.size(); i++) {
                sb.append(i == 0 ? "" : "\n")
                        .append(dbs.get(i).name())
                        .append(" : ")
                        .append(dbs.get(i).strategy());
            }
            return List.of(sb.append('\n').toString());
        }
    }

    /** Data messages of a command whose answer is text by nature ({@code pong}, {@code cluster-state …}). */
    record Text(List<String> messages) implements Success {}

    /**
     * A refusal or failure.
     *
     * @param code what a client can branch on
     * @param message the reason in words, one line
     * @param messages what NunDB pushes before the final reply ({@code error no-db-selected},
     *     {@code permission denied}, {@code invalid auth} …)
     * @param outcome how the text doors end: an error, a version error, or — for a wrong {@code
     *     auth}, which NunDB answers {@code invalid auth} then {@code ok} — ok
     * @param error the final reply's error text, byte for byte; null when the outcome is ok
     */
    record Failure(ErrorCode code, String message, List<String> messages, Outcome outcome, String error)
            implements Response {}

    Response OK = new Ok();

    static Response ok() {
        return OK;
    }

    static Response ok(String message) {
        return new Text(List.of(message));
    }

    static Response ok(List<String> messages) {
        return new Text(List.copyOf(messages));
    }

    static Response value(String key, int version, String value, boolean versioned) {
        return new Value(key, version, value, versioned);
    }

    /** The list is kept as given: the caller hands it over. */
    static Response keys(List<String> keys) {
        return new KeyList(keys);
    }

    static Response error(ErrorCode code, String error) {
        return new Failure(code, error.strip(), List.of(), Outcome.ERROR, error);
    }

    /** A malformed request the text doors refuse before the engine sees it (a line too long …). */
    static Response error(String error) {
        return error(ErrorCode.BAD_REQUEST, error);
    }

    /** An error whose text is also pushed first (no-db-selected, permission denied). */
    static Response pushedError(ErrorCode code, String error) {
        return new Failure(code, error.strip(), List.of(error), Outcome.ERROR, error);
    }

    static Response versionError() {
        return new Failure(
                ErrorCode.VERSION_CONFLICT, INVALID_VERSION, List.of(), Outcome.VERSION_ERROR, INVALID_VERSION);
    }
}
