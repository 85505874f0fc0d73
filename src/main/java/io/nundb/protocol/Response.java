package io.nundb.protocol;

import java.util.List;

/**
 * What one command produced: the data messages it pushed (each ending in LF, in order) and its
 * final outcome. Transports render it with {@link Replies}.
 *
 * @param messages data messages, sent before the final reply
 * @param outcome ok, error, or a version conflict
 * @param error the error text (for {@link Outcome#ERROR}); {@code Invalid version!} for conflicts
 */
public record Response(List<String> messages, Outcome outcome, String error) {

    public enum Outcome {
        OK,
        ERROR,
        VERSION_ERROR
    }

    public static final String INVALID_VERSION = "Invalid version!";

    private static final Response OK_EMPTY = new Response(List.of(), Outcome.OK, null);

    public static Response ok() {
        return OK_EMPTY;
    }

    public static Response ok(String message) {
        return new Response(List.of(message), Outcome.OK, null);
    }

    public static Response ok(List<String> messages) {
        return new Response(List.copyOf(messages), Outcome.OK, null);
    }

    public static Response error(String error) {
        return new Response(List.of(), Outcome.ERROR, error);
    }

    /** An error whose text is also pushed first (no-db-selected, permission denied). */
    public static Response pushedError(String error) {
        return new Response(List.of(error), Outcome.ERROR, error);
    }

    public static Response versionError() {
        return new Response(List.of(), Outcome.VERSION_ERROR, INVALID_VERSION);
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }
}
