package io.nundb.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of memory for real: a server process with a 64 MB heap and the image's
 * {@code -XX:+ExitOnOutOfMemoryError} is given more data than its heap holds (200 values of 1 MB
 * under distinct keys), while a watcher of a 1 MB key never reads and another client pipelines
 * GETs of a 1 MB value without reading the replies. Either outcome is correct: the node refuses
 * with {@code error …} and keeps serving, or an {@code OutOfMemoryError} makes the process exit
 * (for its supervisor to restart). What must not happen is a process that is alive (readiness
 * UP) but does not answer. {@link MemoryPressureTest} covers the limits alone (no exit flag,
 * default limits, the node must survive); this test covers what happens when the data itself
 * outgrows the heap.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class OomProcessTest {

    private static final Pattern HTTP_PORT = Pattern.compile("Netty started on port (\\d+) \\(http\\)");
    private static final Duration ANSWER = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aNodeOutOfMemoryRefusesOrExitsButNeverHangsWhileReady() throws Exception {
        Path log = dir.resolve("server.log");
        List<String> jvm = Stream.concat(
                        ServerProcess.TEST_JVM_OPTIONS.stream().filter(o -> !o.startsWith("-Xmx")),
                        Stream.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"))
                .toList();
        try (ServerProcess server =
                ServerProcess.start(dir.resolve("data"), log, Map.of(), Duration.ofSeconds(120), jvm)) {
            int httpPort = httpPort(log);
            try (LineClient admin = new LineClient(server.tcpPort)) {
                admin.ok("auth nun nun-pwd");
                admin.ok("create-db oom oom-token");
                admin.ok("use-db oom oom-token");
                admin.ok("set probe alive");
            }
            String megabyte = "m".repeat(1024 * 1024 - 64);
            int stored = 0;
            int refused = 0;
            boolean writerLost = false;
            try (Socket watcher = idle(server.tcpPort, "use-db oom oom-token\nwatch big\n");
                    Socket getter = idle(server.tcpPort, "use-db oom oom-token\n");
                    LineClient writer = new LineClient(server.tcpPort)) {
                writer.ok("use-db oom oom-token");
                OutputStream gets = getter.getOutputStream();
                for (int i = 0; i < 200 && server.isAlive(); i++) {
                    try {
                        List<String> reply = writer.call("set k" + i + " " + i + megabyte);
                        if (reply.get(reply.size() - 1).equals("ok ")) {
                            stored++;
                        } else {
                            refused++;
                        }
                        if (i % 10 == 0) {
                            writer.call("set big " + i + megabyte); // to the watcher that never reads
                            gets.write("get k0\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
                            gets.flush();
                        }
                    } catch (IOException lost) {
                        // the connection ended (the process exited, or the server cut a client off)
                        writerLost = true;
                        break;
                    }
                    if (i % 20 == 19) {
                        assertAnswersOrExits(server, httpPort, "after " + (i + 1) + " writes");
                    }
                }
            } catch (IOException lost) {
                writerLost = true; // closing the idle sockets of an exited process
            }
            assertAnswersOrExits(
                    server,
                    httpPort,
                    "after the pressure (stored " + stored + ", refused " + refused
                            + (writerLost ? ", writer connection lost" : "") + ")");
            System.out.println(
                    "OOM test: stored " + stored + ", refused " + refused + ", writer lost " + writerLost + ", process "
                            + (server.isAlive() ? "alive and answering" : "exited with " + server.process.exitValue()));
            if (server.isAlive()) {
                // it kept serving: then it must have refused what did not fit, not stored 200 MB in 64
                assertThat(refused + (writerLost ? 1 : 0))
                        .as("stored %d values of 1 MB in a 64 MB heap without refusing any", stored)
                        .isPositive();
            } else {
                assertThat(server.process.exitValue()).as("exit code").isNotZero();
                assertThat(ServerProcess.tail(log, 0)).contains("OutOfMemoryError");
            }
        }
    }

    /**
     * The node answers a new client within {@link #ANSWER}, or it exits within that time; alive
     * and silent (whatever readiness says) fails the test.
     */
    private static void assertAnswersOrExits(ServerProcess server, int httpPort, String when) throws Exception {
        if (!server.isAlive()) {
            return;
        }
        String answer;
        try (LineClient probe = new LineClient(server.tcpPort)) {
            probe.ok("use-db oom oom-token");
            answer = probe.call("get probe").get(0);
        } catch (IOException silent) {
            answer = silent.toString();
        }
        if (answer.equals("value alive")) {
            return;
        }
        boolean exited = server.process.waitFor(ANSWER.toSeconds(), TimeUnit.SECONDS);
        assertThat(exited)
                .as("%s: alive but answered %s (readiness %d)", when, answer, readiness(httpPort))
                .isTrue();
    }

    private static int readiness(int httpPort) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A client that sends {@code commands} and then never reads (small receive buffer). */
    private static Socket idle(int port, String commands) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.getOutputStream().write(commands.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static int httpPort(Path log) throws Exception {
        Matcher m = HTTP_PORT.matcher(ServerProcess.tail(log, 0));
        assertThat(m.find()).as("HTTP port in the log").isTrue();
        return Integer.parseInt(m.group(1));
    }
}
