package io.nundb.transport;

import java.time.Duration;

/**
 * A client connection as {@link ProtocolContract} sees it, whatever the transport: send one command,
 * read what the server sent. A message is one {@code ...\n} string (a TCP line with its LF, a
 * WebSocket frame, ...); the contract never relies on how a transport frames them.
 */
public interface ProtocolClient extends AutoCloseable {

    /** Sends one command (without a terminator; the transport adds its own framing). */
    void send(String command);

    /** The next message from the server, or null if none arrived within {@code timeout}. */
    String next(Duration timeout);

    /** Closes the connection (idempotent). */
    @Override
    void close();
}
