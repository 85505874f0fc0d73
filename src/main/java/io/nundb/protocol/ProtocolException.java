package io.nundb.protocol;

/** A line that is not a valid command; its message is the text of the {@code error …} reply. */
public final class ProtocolException extends RuntimeException {

    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
