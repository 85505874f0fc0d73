package io.nundb.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A TCP client that watches one key ({@code use-db} then {@code watch}) and records each {@code
 * changed-version} it is pushed, in arrival order. Threads: its own reader thread.
 */
final class KeyWatcher implements AutoCloseable {

    /** One change as the watcher saw it. */
    record Change(int version, String value) {}

    private final Socket socket = new Socket();
    private final String key;
    private final List<Change> changes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> others = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    KeyWatcher(int tcpPort, String db, String token, String key) throws IOException {
        this.key = key;
        socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        socket.getOutputStream()
                .write(("use-db " + db + " " + token + "\nwatch " + key + "\n").getBytes(StandardCharsets.UTF_8));
        // greeting, use-db's ok, watch's ok: after these the watch is registered
        for (int i = 0; i < 3; i++) {
            String line = in.readLine();
            if (!"ok ".equals(line)) {
                throw new IllegalStateException("watch setup answered " + line);
            }
        }
        reader = new Thread(() -> read(in), "key-watcher-" + key);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(BufferedReader in) {
        String prefix = "changed-version " + key + " ";
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    String rest = line.substring(prefix.length());
                    int space = rest.indexOf(' ');
                    changes.add(new Change(Integer.parseInt(rest.substring(0, space)), rest.substring(space + 1)));
                } else if (!line.startsWith("changed ")) {
                    others.add(line);
                }
            }
            others.add("<end of stream>");
        } catch (IOException e) {
            others.add("<" + e + ">");
        }
    }

    List<Change> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    /** Lines that were neither change (nor a plain {@code changed}), e.g. an unexpected end of stream. */
    List<String> others() {
        synchronized (others) {
            return List.copyOf(others);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
