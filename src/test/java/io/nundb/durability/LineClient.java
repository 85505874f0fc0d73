package io.nundb.durability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A blocking NunDB TCP client: one command, then the reply lines up to its {@code ok}/{@code error}. */
final class LineClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        String greeting = in.readLine();
        if (!"ok ".equals(greeting)) {
            throw new IOException("unexpected greeting: " + greeting);
        }
    }

    /** Sends {@code command}; returns the messages and, last, the {@code ok }/{@code error …} line. */
    List<String> call(String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
            lines.add(line);
            if (line.equals("ok ") || line.startsWith("error")) {
                return lines;
            }
        }
    }

    /** Like {@link #call} but fails unless the command succeeded. */
    List<String> ok(String command) throws IOException {
        List<String> lines = call(command);
        if (!lines.get(lines.size() - 1).equals("ok ")) {
            throw new IOException(command + " -> " + lines);
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
