package io.nundb.transport.stream;

/** A watch stream could not start: bad credentials, no such database, or no read permission. */
public final class StreamRefused extends RuntimeException {

    private final String error;

    public StreamRefused(String error) {
        super(error);
        this.error = error;
    }

    /** The engine's error text ({@code Invalid token}, {@code permission denied}, …). */
    public String error() {
        return error;
    }
}
