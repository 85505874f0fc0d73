package io.nundb.transport.stream;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;

/** A watch stream could not start: bad credentials, no such database, or no read permission. */
public final class StreamRefused extends RuntimeException {

    private final ErrorCode code;
    private final String error;

    public StreamRefused(ErrorCode code, String error) {
        super(error);
        this.code = code;
        this.error = error;
    }

    /** The engine's refusal of a login or key check. */
    public StreamRefused(Response.Failure failure) {
        this(failure.code(), failure.message());
    }

    /** Why, as a code the door maps to its own status. */
    public ErrorCode code() {
        return code;
    }

    /** The reason in words ({@code Invalid token}, {@code permission denied}, …). */
    public String error() {
        return error;
    }
}
