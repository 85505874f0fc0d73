package io.nundb.bench;

import io.nundb.NunDbApplication;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.transport.ws.WsServer;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Write-to-notification latency to a TCP, a WebSocket and an SSE watcher (p50/p99/p99.9), and the
 * time for one write to reach 1,000 and 10,000 watching WebSocket connections (issue 3 item 7).
 * Starts the server in this JVM on loopback ports; the fan-out clients run in a child JVM
 * ({@link WsBenchClients}). Not a test: run it with
 *
 * <pre>
 * ulimit -n 20000; ./mvnw -q -B -o test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.nundb.bench.WsBench
 * </pre>
 *
 * System properties: {@code bench.samples} (default 5000), {@code bench.warmup} (1000), {@code
 * bench.fanout} (comma list, default {@code 1000,10000}), {@code bench.fanoutRounds} (5).
 */
public final class WsBench {

    private static final String DB = "bench";
    private static final String TOKEN = "bench-token";
    private static final PrintStream OUT = System.out;

    public static void main(String[] args) throws Exception {
        int samples = Smoke.integer("bench.samples", 5_000, 200);
        int warmup = Smoke.integer("bench.warmup", 1_000, 50);
        int rounds = Smoke.integer("bench.fanoutRounds", 5, 1);
        int[] fanouts = Smoke.integers("bench.fanout", "1000,10000", "10,100").stream()
                .mapToInt(Integer::intValue)
                .toArray();
        Smoke.announce(System.out);
        Path data = Files.createTempDirectory("nundb-wsbench-");
        ConfigurableApplicationContext app = new SpringApplication(NunDbApplication.class)
                .run(
                        "--nundb.user=nun",
                        "--nundb.pwd=nun-pwd",
                        "--nundb.dbs-dir=" + data,
                        "--nundb.tcp-addr=127.0.0.1:0",
                        "--nundb.ws-addr=127.0.0.1:0",
                        "--nundb.http-addr=127.0.0.1:0",
                        "--nundb.rsocket-addr=127.0.0.1:0",
                        "--logging.level.root=WARN");
        try {
            int tcpPort = app.getBean(TcpListener.class).port();
            int wsPort = app.getBean(WsServer.class).port();
            int httpPort = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            OUT.printf(
                    "WsBench: java %s, %d cores, samples %d (+%d warm-up), server in this JVM%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), samples, warmup);
            try (LineClient admin = LineClient.connect(tcpPort)) {
                admin.call("auth nun nun-pwd", 2);
                admin.call("create-db " + DB + " " + TOKEN, 2);
            }
            HttpClient http = HttpClient.newHttpClient();
            try (LineClient writer = LineClient.connect(tcpPort)) {
                writer.call("use-db " + DB + " " + TOKEN, 1);
                // Acks come when the write is durable (up to the fsync interval later); the loop
                // waits for the notification only, and a thread reads the acks.
                writer.drainRepliesInBackground();
                OUT.println();
                OUT.println("write -> notification latency (one TCP writer, one watcher, closed loop)");
                OUT.printf("%-10s %10s %10s %10s %10s%n", "watcher", "p50 us", "p99 us", "p99.9 us", "max us");
                try (Watcher w = new TcpWatcher(tcpPort, "lat-tcp")) {
                    report("TCP", measure(writer, w, "lat-tcp", warmup, samples));
                }
                try (Watcher w = new WsWatcher(wsPort, "lat-ws")) {
                    report("WebSocket", measure(writer, w, "lat-ws", warmup, samples));
                }
                try (Watcher w = new SseWatcher(http, httpPort, "lat-sse")) {
                    report("SSE", measure(writer, w, "lat-sse", warmup, samples));
                }
                for (int n : fanouts) {
                    fanout(writer, wsPort, n, rounds);
                }
            }
        } finally {
            app.close();
        }
        System.exit(0);
    }

    private static long[] measure(LineClient writer, Watcher watcher, String key, int warmup, int samples)
            throws Exception {
        long[] latencies = new long[samples];
        for (int i = -warmup; i < samples; i++) {
            long t0 = System.nanoTime();
            writer.send("set " + key + " " + t0);
            Long arrived = watcher.arrivals().poll(10, TimeUnit.SECONDS);
            if (arrived == null) {
                throw new IllegalStateException("no notification within 10 s on " + key);
            }
            if (i >= 0) {
                latencies[i] = arrived - t0;
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static void report(String name, long[] sorted) {
        OUT.printf(
                "%-10s %10.1f %10.1f %10.1f %10.1f%n",
                name, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), sorted[sorted.length - 1] / 1000.0);
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }

    private static void fanout(LineClient writer, int wsPort, int connections, int rounds) throws Exception {
        String key = "fan-" + connections;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        classPath(),
                        WsBenchClients.class.getName(),
                        "ws://127.0.0.1:" + wsPort + "/",
                        DB,
                        TOKEN,
                        key,
                        Integer.toString(connections))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter cmd =
                        new BufferedWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8))) {
            String ready = in.readLine();
            if (!"READY".equals(ready)) {
                OUT.printf("fan-out to %d WebSocket watchers: could not connect them (%s)%n", connections, ready);
                return;
            }
            List<Double> millis = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                cmd.write("EXPECT " + t0 + "\n");
                cmd.flush();
                writer.send("set " + key + " " + t0);
                String done = in.readLine();
                if (done == null || !done.startsWith("DONE ")) {
                    OUT.printf("fan-out to %d: %s%n", connections, done);
                    return;
                }
                millis.add((Long.parseLong(done.substring(5)) - t0) / 1e6);
            }
            List<Double> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            OUT.printf(
                    "fan-out of one write to %,d WebSocket watchers: last one has it after %.1f ms median"
                            + " (min %.1f, max %.1f, %d rounds)%n",
                    connections, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), rounds);
            cmd.write("QUIT\n");
            cmd.flush();
        } finally {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** This program's class path, also when a launcher (exec:java) put it in a class loader. */
    private static String classPath() {
        if (WsBench.class.getClassLoader() instanceof URLClassLoader loader) {
            StringBuilder sb = new StringBuilder();
            for (URL url : loader.getURLs()) {
                try {
                    sb.append(Path.of(url.toURI())).append(File.pathSeparatorChar);
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return sb + System.getProperty("java.class.path");
        }
        return System.getProperty("java.class.path");
    }

    /** A watcher that reports, for each change, the nanoTime at which it arrived. */
    private interface Watcher extends Closeable {
        BlockingQueue<Long> arrivals();
    }

    /** A plain TCP line client. */
    private static final class LineClient implements Closeable {
        private final Socket socket;
        private final BufferedReader in;
        private final BufferedWriter out;

        private LineClient(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
        }

        static LineClient connect(int port) throws IOException {
            LineClient c = new LineClient(new Socket("127.0.0.1", port));
            c.readLine(); // greeting
            return c;
        }

        String readLine() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
            return line;
        }

        /** Sends a command and reads {@code lines} lines; fails on an error line. */
        void call(String command, int lines) throws IOException {
            out.write(command);
            out.write('\n');
            out.flush();
            for (int i = 0; i < lines; i++) {
                String line = readLine();
                if (line.startsWith("error")) {
                    throw new IOException(command + " -> " + line);
                }
            }
        }

        void send(String command) throws IOException {
            out.write(command);
            out.write('\n');
            out.flush();
        }

        /** From now on replies are read (and errors reported) by a daemon thread. */
        void drainRepliesInBackground() {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        String line = readLine();
                        if (line.startsWith("error")) {
                            System.err.println("writer got: " + line);
                        }
                    }
                } catch (IOException closed) {
                    // the writer is closed at the end
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static final class TcpWatcher implements Watcher {
        private final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        private final LineClient client;
        private final Thread reader;

        TcpWatcher(int port, String key) throws IOException {
            client = LineClient.connect(port);
            client.call("use-db " + DB + " " + TOKEN, 1);
            client.call("watch " + key, 1);
            String prefix = "changed-version " + key + " ";
            reader = new Thread(() -> {
                try {
                    while (true) {
                        String line = client.readLine();
                        if (line.startsWith(prefix)) {
                            arrivals.add(System.nanoTime());
                        }
                    }
                } catch (IOException closed) {
                    // the watcher is closed at the end of its phase
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public BlockingQueue<Long> arrivals() {
            return arrivals;
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    /**
     * A minimal blocking WebSocket client on a plain socket, read by one thread exactly like the TCP
     * watcher, so the comparison measures the server and not two different client stacks.
     */
    private static final class WsWatcher implements Watcher {
        private final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final Thread reader;

        WsWatcher(int port, String key) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = readHeaderLine();
            if (!status.contains(" 101 ")) {
                throw new IOException("WebSocket upgrade failed: " + status);
            }
            while (!readHeaderLine().isEmpty()) {
                // skip the response headers
            }
            send("use-db " + DB + " " + TOKEN + ";watch " + key);
            for (int i = 0; i < 2; i++) {
                String r = readFrame();
                if (!r.startsWith("ok")) {
                    throw new IOException("WebSocket watcher setup failed: " + r);
                }
            }
            String prefix = "changed-version " + key + " ";
            reader = new Thread(() -> {
                try {
                    while (true) {
                        String frame = readFrame();
                        if (frame.startsWith(prefix)) {
                            arrivals.add(System.nanoTime());
                        }
                    }
                } catch (IOException closed) {
                    // the watcher is closed at the end of its phase
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        private String readHeaderLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("closed during the handshake");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        /** A client frame: text, final, masked (with a zero mask, which RFC 6455 allows). */
        private void send(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            if (payload.length > 125) {
                throw new IOException("bench frames are short");
            }
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), 0, 0, 0, 0});
            out.write(payload);
            out.flush();
        }

        private String readFrame() throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            if ((b0 & 0x0f) == 0x8) {
                throw new IOException("closed by the server");
            }
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public BlockingQueue<Long> arrivals() {
            return arrivals;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static final class SseWatcher implements Watcher {
        private static final Pattern CHANGE = Pattern.compile("^data:.*\"version\"");

        private final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        private final Thread reader;
        private volatile Stream<String> lines;

        SseWatcher(HttpClient http, int port, String key) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/v1/dbs/" + DB + "/watch?key=" + key))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IOException("SSE watch answered " + response.statusCode());
            }
            lines = response.body();
            reader = new Thread(() -> {
                try {
                    lines.forEach(line -> {
                        Matcher m = CHANGE.matcher(line);
                        if (m.find()) {
                            arrivals.add(System.nanoTime());
                        }
                    });
                } catch (RuntimeException closed) {
                    // the stream is closed at the end of its phase
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public BlockingQueue<Long> arrivals() {
            return arrivals;
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
