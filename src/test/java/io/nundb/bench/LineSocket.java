package io.nundb.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking NunDB text-protocol client with a read timeout, for the cluster bench's admin calls
 * and its failover writers (a few hundred commands per second at most, so plain {@link Socket}
 * streams are lean enough). Single-threaded: one caller at a time.
 */
final class LineSocket implements Closeable {

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    LineSocket(int port, int readTimeoutMillis) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(readTimeoutMillis);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            List<String> greeting = readReply();
            if (!last(greeting).equals("ok ")) {
                throw new IOException("server refused the connection: " + greeting);
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one command; returns every line of its reply, the final {@code ok }/{@code error …} last. */
    List<String> call(String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply();
    }

    /** Sends one command and fails unless it ends with {@code ok }; returns its lines. */
    List<String> callOk(String command) throws IOException {
        List<String> reply = call(command);
        if (!last(reply).equals("ok ")) {
            throw new IOException("'" + command + "' failed: " + String.join(" | ", reply));
        }
        return reply;
    }

    static String last(List<String> reply) {
        return reply.get(reply.size() - 1);
    }

    static boolean isOk(List<String> reply) {
        return last(reply).equals("ok ");
    }

    /** The first line starting with {@code prefix}, or null. */
    static String find(List<String> reply, String prefix) {
        for (String l : reply) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        return null;
    }

    private List<String> readReply() throws IOException {
        List<String> lines = new ArrayList<>(2);
        while (true) {
            String l = readLine();
            lines.add(l);
            // The same terminal rule as NunDbProtocol: "ok ", or an error line that ends in a space.
            if (l.equals("ok ") || l.equals(" ") || (l.startsWith("error ") && l.endsWith(" "))) {
                return lines;
            }
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("server closed the connection");
            }
            if (b == '\n') {
                return line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
