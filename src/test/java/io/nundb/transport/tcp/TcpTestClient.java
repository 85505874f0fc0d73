package io.nundb.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nundb.transport.ProtocolClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A blocking TCP client for tests: one message is one line, returned with its LF. */
public final class TcpTestClient implements ProtocolClient {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final byte[] chunk = new byte[8192];
    private int chunkPos;
    private int chunkEnd;
    private boolean eof;

    private TcpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and checks NunDB's greeting. */
    public static TcpTestClient connect(int port) {
        TcpTestClient c = connectRaw(port);
        String greeting = c.next(Duration.ofSeconds(10));
        // null means either the server closed or 10 s passed: say which, a flake once left it open
        assertEquals(
                "ok \n",
                greeting,
                () -> "greeting (" + (c.eof ? "the server closed the connection" : "none within 10 s") + ")");
        return c;
    }

    /** Connects without reading anything. */
    static TcpTestClient connectRaw(int port) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return new TcpTestClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client whose socket receive buffer is small, so a server fills it quickly. */
    static TcpTestClient connectWithSmallReceiveBuffer(int port, int bytes) {
        try {
            Socket s = new Socket();
            s.setReceiveBufferSize(bytes);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return new TcpTestClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void send(String command) {
        sendRaw((command + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                while (chunkPos < chunkEnd) {
                    byte b = chunk[chunkPos++];
                    partial.write(b);
                    if (b == '\n') {
                        String line = partial.toString(StandardCharsets.UTF_8);
                        partial.reset();
                        return line;
                    }
                }
                if (eof) {
                    return null;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                try {
                    int n = in.read(chunk);
                    if (n < 0) {
                        eof = true;
                    } else {
                        chunkPos = 0;
                        chunkEnd = n;
                    }
                } catch (SocketTimeoutException e) {
                    return null;
                } catch (SocketException e) {
                    eof = true; // reset by the server counts as closed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True once the server closed the connection and every line before that was read. */
    boolean atEof() {
        return eof && chunkPos >= chunkEnd;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
