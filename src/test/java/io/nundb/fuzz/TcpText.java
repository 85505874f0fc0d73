package io.nundb.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP client that finds the end of a reply whatever the input was: after the input it sends an
 * unknown command with a unique name ({@code fz-mark-<n>}), whose {@code error unknown command}
 * line closes the reply. Everything before that line is the reply to the input, which may be
 * several lines, pushed errors, or none (a line cut short, or one that is too long).
 */
final class TcpText implements AutoCloseable {

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private long marks;

    TcpText(int port) throws IOException {
        this(port, null);
    }

    /** Connects from {@code localAddress} (another loopback address is another client source). */
    TcpText(int port, String localAddress) throws IOException {
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        String greeting = line();
        if (!"ok ".equals(greeting)) {
            throw new IOException("greeting: " + greeting);
        }
    }

    /** Sends a command line (LF added) and returns the lines of its reply. */
    List<String> call(String command) throws IOException {
        return send((command + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends raw bytes (expected to end in LF) and returns every line answered before the mark. */
    List<String> send(byte[] input) throws IOException {
        String mark = "fz-mark-" + (++marks);
        out.write(input);
        out.write((mark + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String end = "error unknown command: " + mark + " ";
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            if (line.equals(end)) {
                return lines;
            }
            lines.add(line);
        }
    }

    /** One line without its LF, decoded as UTF-8; null at the end of the stream. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
