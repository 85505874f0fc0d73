package io.nundb.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One TCP connection with its protocol and buffers. Blocking by default (setup, latency run);
 * the throughput run switches the channel to non-blocking and drives it from a selector.
 * {@link #in()} is kept in read mode: position..limit are received bytes not yet consumed.
 */
final class Connection implements Closeable {

    private static final int BUFFER = 64 * 1024;

    /** Every open connection, so that {@link #closeAll()} can unblock a hung phase. */
    private static final Set<Connection> OPEN = ConcurrentHashMap.newKeySet();

    private final SocketChannel channel;
    private final Protocol protocol;
    private ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).flip();
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);

    private Connection(SocketChannel channel, Protocol protocol) {
        this.channel = channel;
        this.protocol = protocol;
    }

    static Connection open(Target target) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(target.host(), target.port()));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        Connection connection = new Connection(channel, target.protocol());
        OPEN.add(connection);
        if (target.protocol().greets()) {
            try {
                int n = connection.readReply();
                if (target.protocol().isError(connection.in, connection.in.position(), n)) {
                    throw new IOException("server refused the connection: "
                            + Ascii.text(connection.in, connection.in.position(), n)
                                    .strip());
                }
                connection.consume(n);
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    SocketChannel channel() {
        return channel;
    }

    Protocol protocol() {
        return protocol;
    }

    ByteBuffer in() {
        return in;
    }

    /** Cleared buffer to encode into; pass it to {@link #flush()} afterwards. */
    ByteBuffer out() {
        return out.clear();
    }

    /** Writes everything encoded into {@link #out()} (blocking mode). */
    void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** Sends one command and returns its reply text; an error reply throws. */
    String call(String... words) throws IOException {
        return exchange(true, words);
    }

    /** Sends one command and returns its reply text, error or not. */
    String callAllowingError(String... words) throws IOException {
        return exchange(false, words);
    }

    private String exchange(boolean failOnError, String... words) throws IOException {
        protocol.encodeCommand(out(), words);
        flush();
        int n = readReply();
        String text = Ascii.text(in, in.position(), n);
        boolean error = protocol.isError(in, in.position(), n);
        consume(n);
        if (error && failOnError) {
            throw new IOException("'" + String.join(" ", words) + "' failed: " + text.strip());
        }
        return text;
    }

    /** Blocks until one complete command reply is buffered; returns its length. */
    int readReply() throws IOException {
        int n;
        while ((n = protocol.replyLength(in)) < 0) {
            fill();
        }
        return n;
    }

    /** Blocks until one complete pushed message is buffered; returns its length. */
    int readMessage() throws IOException {
        int n;
        while ((n = protocol.messageLength(in)) < 0) {
            fill();
        }
        return n;
    }

    void consume(int n) {
        in.position(in.position() + n);
    }

    /** Reads what is available (blocks in blocking mode); returns the byte count, 0 if none. */
    int fill() throws IOException {
        in = compactForRead(in);
        int read;
        try {
            read = channel.read(in);
        } finally {
            in.flip();
        }
        if (read < 0) {
            throw new EOFException("server closed the connection");
        }
        return read;
    }

    /**
     * Compacts a read-mode buffer for the next read (write mode on return), moving its unread bytes
     * into one twice as large (direct if it was) when they fill it.
     */
    static ByteBuffer compactForRead(ByteBuffer in) {
        in.compact();
        if (in.hasRemaining()) {
            return in;
        }
        ByteBuffer bigger =
                in.isDirect() ? ByteBuffer.allocateDirect(in.capacity() * 2) : ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        return bigger.put(in);
    }

    @Override
    public void close() throws IOException {
        OPEN.remove(this);
        channel.close();
    }

    /** Closes every open connection: blocked reads and writes on them fail at once. */
    static int closeAll() {
        int closed = 0;
        for (Connection c : OPEN) {
            try {
                c.close();
                closed++;
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        return closed;
    }
}
