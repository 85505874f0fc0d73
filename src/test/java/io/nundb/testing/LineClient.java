package io.nundb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A blocking NunDB TCP client for tests: greeting, then per command its data lines and one final line. */
public final class LineClient implements AutoCloseable {

    private final Socket socket = new Socket();
    private final BufferedReader in;
    private final OutputStream out;

    public LineClient(String host, int port) throws IOException {
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(15_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        assertThat(in.readLine()).isEqualTo("ok ");
    }

    public LineClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    /** Sends one command and returns its lines, the final {@code ok }/{@code error …} last. */
    public List<String> call(String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            assertThat(line).as("reply to " + command).isNotNull();
            lines.add(line);
            if (line.equals("ok ") || (line.startsWith("error ") && !line.equals("error no-db-selected"))) {
                return lines;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
