package io.nundb.cluster.rpc;

/** A peer sent bytes that do not decode as a message; the message is dropped. */
final class MalformedMessageException extends RuntimeException {

    MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
