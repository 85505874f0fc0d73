package io.nundb.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nundb.transport.ws.WsTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server under {@code ulimit -n 512}, flooded with more connections than it may open
 * files (issue 9: 1,100 idle connections used to exhaust the 1,024 descriptors, after which new
 * clients and readiness probes timed out). It must stay up, refuse the excess with its message,
 * log no stack traces, keep serving readiness and writes (the op log needs descriptors) during
 * the flood, and serve as before once the flood is gone. The doors share one budget: the flooded
 * door takes more than a quarter of it, while the others keep their guaranteed share (a WebSocket
 * client, readiness and writes over HTTP get in during the TCP flood, TCP during the HTTP flood).
 */
@Timeout(300)
class FdExhaustionProcessTest {

    private static final int ULIMIT = 512;
    private static final Pattern BUDGET = Pattern.compile(
            "at most (\\d+) connections on all doors together, at most (\\d+) on one door, (\\d+) kept for each door");
    private static final Pattern WS_PORT = Pattern.compile("WebSocket listening on [^:]+:(\\d+)");
    private static final Pattern HTTP_PORT = Pattern.compile("Netty started on port (\\d+) \\(http\\)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aFloodBeyondTheDescriptorLimitIsRefusedCleanlyAndTheNodeServesOn() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Path log = dir.resolve("server.log");
        try (ServerProcess server = ServerProcess.start(
                dir.resolve("data"),
                log,
                Map.of(),
                Duration.ofSeconds(120),
                ServerProcess.TEST_JVM_OPTIONS,
                List.of("/bin/bash", "-c", "ulimit -n " + ULIMIT + " && exec \"$@\"", "bash"))) {
            String started = ServerProcess.tail(log, 0);
            Matcher budget = BUDGET.matcher(started);
            assertThat(budget.find())
                    .as("the connections held to what ulimit -n leaves, with a WARN")
                    .isTrue();
            int all = Integer.parseInt(budget.group(1));
            int limit = Integer.parseInt(budget.group(2));
            int kept = Integer.parseInt(budget.group(3));
            assertThat(all).isBetween(4, ULIMIT);
            assertThat(kept).isPositive();
            assertThat(limit).isEqualTo(all - 3 * kept);
            Matcher ws = WS_PORT.matcher(started);
            assertThat(ws.find()).isTrue();
            int wsPort = Integer.parseInt(ws.group(1));
            Matcher http = HTTP_PORT.matcher(started);
            assertThat(http.find()).isTrue();
            int httpPort = Integer.parseInt(http.group(1));
            long logBeforeFlood = Files.size(log);

            try (LineClient admin = new LineClient(server.tcpPort)) {
                admin.ok("auth nun nun-pwd");
                admin.ok("create-db fd fd-token");
            }

            // TCP: twice as many connections as the process may open files
            List<Socket> flood = new ArrayList<>();
            try {
                int accepted = 0;
                int refused = 0;
                for (int i = 0; i < 2 * ULIMIT; i++) {
                    Socket s = connect(server.tcpPort);
                    flood.add(s);
                    String first = firstLine(s);
                    if ("ok ".equals(first)) {
                        accepted++;
                    } else {
                        assertThat(first).as("connection %d", i).isEqualTo("error too many connections");
                        refused++;
                        s.close();
                    }
                }
                assertThat(accepted).isLessThanOrEqualTo(limit);
                assertThat(accepted)
                        .as("one door may take more than a quarter of the budget (%d)", all)
                        .isGreaterThan(all / 4);
                assertThat(refused).isGreaterThanOrEqualTo(2 * ULIMIT - limit);
                assertThat(server.isAlive()).isTrue();

                // the other doors keep their share: a WebSocket client gets in and is served
                try (WsTestClient wsClient = new WsTestClient("ws://127.0.0.1:" + wsPort + "/")) {
                    wsClient.send("use-db fd fd-token; set ws during-tcp-flood; get ws");
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> "value during-tcp-flood\n".equals(wsClient.poll(1, TimeUnit.SECONDS)));
                }

                // while the TCP door is full: readiness, and writes through the HTTP door (op log, snapshot)
                assertThat(get(httpPort, "/readyz").statusCode()).isEqualTo(200);
                assertThat(post(httpPort, "use-db fd fd-token; set during flood")
                                .body())
                        .isEqualTo("empty;empty");
                assertThat(post(httpPort, "auth nun nun-pwd; use-db fd fd-token; snapshot")
                                .statusCode())
                        .isEqualTo(200);
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }

            // HTTP: idle connections far beyond the door's limit and the descriptor limit
            List<Socket> httpFlood = new ArrayList<>();
            try {
                for (int i = 0; i < 2 * ULIMIT; i++) {
                    httpFlood.add(connect(httpPort));
                }
                assertThat(server.isAlive()).isTrue();
                // the TCP door is free again and writes go to the op log
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    try (LineClient c = new LineClient(server.tcpPort)) {
                        c.ok("use-db fd fd-token");
                        c.ok("set tcp-during-http-flood 1");
                    }
                });
            } finally {
                for (Socket s : httpFlood) {
                    s.close();
                }
            }

            // after the flood: everything as before
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() ->
                            assertThat(get(httpPort, "/readyz").statusCode()).isEqualTo(200));
            try (LineClient c = new LineClient(server.tcpPort)) {
                c.ok("use-db fd fd-token");
                assertThat(c.ok("get during")).containsExactly("value flood", "ok ");
                assertThat(c.ok("get tcp-during-http-flood")).containsExactly("value 1", "ok ");
                assertThat(c.ok("get ws")).containsExactly("value during-tcp-flood", "ok ");
                c.ok("set after flood");
                c.ok("auth nun nun-pwd");
                c.ok("snapshot");
            }
            assertThat(server.isAlive()).isTrue();
            String duringFlood = ServerProcess.tail(log, logBeforeFlood);
            assertThat(duringFlood.lines().filter(l -> l.startsWith("\tat ")).count())
                    .as("stack-trace lines logged during the flood:\n%s", duringFlood)
                    .isZero();
            assertThat(duringFlood).doesNotContain("Too many open files");
            assertThat(duringFlood.length()).as("log written during the flood").isLessThan(20_000);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(20_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return s;
    }

    private static String firstLine(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpGet.get(port, path);
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
