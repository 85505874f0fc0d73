package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;

/** Turns durability futures into replies: an ack only once the change is stored. */
final class Results {

    private Results() {}

    static CompletableFuture<Response> whenDurable(CompletableFuture<Long> durable, Response response) {
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(response);
        }
        if (response == Response.OK) {
            return durable.handle(OK_WHEN_STORED); // the usual write: no lambda captured per write
        }
        return durable.handle((index, error) -> error == null ? response : storageError(error));
    }

    private static final BiFunction<Long, Throwable, Response> OK_WHEN_STORED =
            (index, error) -> error == null ? Response.OK : storageError(error);

    /** The phrase of a failure whose write may still be applied (the cluster lost track of it). */
    static final String OUTCOME_UNKNOWN = "may or may not have been applied";

    static Response storageError(Throwable error) {
        String text = causeText(error);
        // "not stored" would be a lie when the cluster cannot tell: say only what is known
        return text.contains(OUTCOME_UNKNOWN)
                ? Response.error(ErrorCode.OUTCOME_UNKNOWN, text)
                : Response.error(ErrorCode.NOT_STORED, "write not stored: " + text);
    }

    /** The failure's own message on one line (futures wrap it in a CompletionException). */
    static String causeText(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return text.replace('\n', ' ');
    }
}
