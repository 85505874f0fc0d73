package io.nundb.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads many keys of one database from one node over TCP: the gets are pipelined in batches, so
 * thousands of keys take one connection and a few round trips. Threads: the caller's.
 */
public final class PipelinedGets {

    private PipelinedGets() {}

    /** The values of {@code keys} in {@code db} on the node at {@code host:port}, absent keys left out. */
    public static Map<String, String> values(String host, int port, String db, String token, Collection<String> keys)
            throws IOException {
        Map<String, String> out = new HashMap<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(15_000);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream os = socket.getOutputStream();
            expect(in.readLine(), "ok ");
            os.write(("use-db " + db + " " + token + "\n").getBytes(StandardCharsets.UTF_8));
            expect(in.readLine(), "ok ");
            List<String> all = new ArrayList<>(keys);
            for (int from = 0; from < all.size(); from += 200) {
                List<String> batch = all.subList(from, Math.min(all.size(), from + 200));
                StringBuilder commands = new StringBuilder();
                batch.forEach(k -> commands.append("get ").append(k).append('\n'));
                os.write(commands.toString().getBytes(StandardCharsets.UTF_8));
                os.flush();
                for (String key : batch) {
                    String value = in.readLine();
                    expect(in.readLine(), "ok ");
                    if (value == null || !value.startsWith("value ")) {
                        throw new IllegalStateException(
                                "get " + key + " on " + host + ":" + port + " answered " + value);
                    }
                    String v = value.substring("value ".length());
                    if (!v.equals("<Empty>")) {
                        out.put(key, v);
                    }
                }
            }
        }
        return out;
    }

    private static void expect(String line, String wanted) {
        if (!wanted.equals(line)) {
            throw new IllegalStateException("expected '" + wanted + "' but got '" + line + "'");
        }
    }
}
