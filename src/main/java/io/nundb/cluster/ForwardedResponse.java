package io.nundb.cluster;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Response} as the text of a {@link ForwardReply}: the outcome's name, the error and each
 * message, every field length-prefixed so that any text (line feeds included) survives; a failure
 * then adds its {@link ErrorCode} and message (after the messages, where a node that does not know
 * them stops reading), so the typed doors of the node that forwarded see the primary's code.
 */
final class ForwardedResponse {

    private ForwardedResponse() {}

    static String encode(Response r) {
        StringBuilder b = new StringBuilder();
        field(b, r.outcome().name());
        field(b, r.error() == null ? "" : r.error());
        b.append(r.messages().size()).append(';');
        for (String m : r.messages()) {
            field(b, m);
        }
        if (r instanceof Response.Failure f) {
            field(b, f.code().name());
            field(b, f.message());
        }
        return b.toString();
    }

    static Response decode(String text) {
        int[] at = {0};
        Response.Outcome outcome = Response.Outcome.valueOf(next(text, at));
        String error = next(text, at);
        int count = Integer.parseInt(upTo(text, at, ';'));
        List<String> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(next(text, at));
        }
        if (at[0] < text.length()) {
            ErrorCode code = ErrorCode.valueOf(next(text, at));
            return new Response.Failure(
                    code,
                    next(text, at),
                    List.copyOf(messages),
                    outcome,
                    outcome == Response.Outcome.OK ? null : error);
        }
        if (outcome == Response.Outcome.VERSION_ERROR) {
            return Response.versionError();
        }
        if (outcome == Response.Outcome.ERROR) {
            return new Response.Failure(ErrorCode.BAD_REQUEST, error.strip(), List.copyOf(messages), outcome, error);
        }
        return messages.isEmpty() ? Response.ok() : Response.ok(messages);
    }

    private static void field(StringBuilder b, String s) {
        b.append(s.length()).append(':').append(s);
    }

    private static String next(String text, int[] at) {
        int length = Integer.parseInt(upTo(text, at, ':'));
        String s = text.substring(at[0], at[0] + length);
        at[0] += length;
        return s;
    }

    private static String upTo(String text, int[] at, char end) {
        int i = text.indexOf(end, at[0]);
        if (i < 0) {
            throw new IllegalArgumentException("malformed forwarded reply");
        }
        String s = text.substring(at[0], i);
        at[0] = i + 1;
        return s;
    }
}
