package io.nundb.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Response;
import io.nundb.testing.LineClient;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.transport.ws.WsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MimeTypeUtils;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
@AutoConfigureWebTestClient
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class OperationsEndpointsTest {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nundb.dbs-dir", () -> dataDir.toString());
    }

    @Autowired
    WebTestClient web;

    @Autowired
    CommandExecutor executor;

    @Autowired
    ConnectionCounter connections;

    @Autowired
    TcpListener tcp;

    @Autowired
    WsServer wsServer;

    @Test
    void theDiskSpaceCheckWatchesTheDataDirectory() {
        web.get()
                .uri("/actuator/health/details")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .exchange()
                .expectBody()
                .jsonPath("$.components.diskSpace.details.path")
                .isEqualTo(dataDir.toAbsolutePath().toString())
                .jsonPath("$.components.diskSpace.status")
                .isEqualTo("UP");
    }

    @Test
    void livenessAndReadinessAreUpWithDetails() {
        web.get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
        // details only for the admin (issue 9): anonymous probes see the status alone
        web.get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components")
                .doesNotExist();
        web.get().uri("/actuator/health/details").exchange().expectStatus().isUnauthorized();
        web.get()
                .uri("/actuator/health/details")
                .headers(h -> h.setBasicAuth("nun", "wrong"))
                .exchange()
                .expectStatus()
                .isUnauthorized();
        web.get()
                .uri("/actuator/health/details")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.nundb.status")
                .isEqualTo("UP")
                .jsonPath("$.components.nundb.details.dataDirectory")
                .isEqualTo(dataDir.toAbsolutePath().toString())
                .jsonPath("$.components.nundb.details.conditions['storage loaded']")
                .isEqualTo(true)
                .jsonPath("$.components.nundb.details.conditions['http bound']")
                .isEqualTo(true)
                .jsonPath("$.components.nundb.details.conditions['tcp bound']")
                .isEqualTo(true)
                .jsonPath("$.components.nundb.details.conditions['storage writable']")
                .isEqualTo(true)
                .jsonPath("$.components.nundb.details.databases")
                .isNumber();
        web.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }

    @Test
    void documentedMetersExistAndMoveWhenCommandsRun() throws Exception {
        String before = scrape();
        for (String name : List.of(
                "nundb_connections_open{application=\"nundb\",transport=\"tcp\"}",
                "nundb_connections_open{application=\"nundb\",transport=\"ws\"}",
                "nundb_watches_active{",
                "nundb_notifications_sent_total{",
                "nundb_notifications_dropped_total{",
                "nundb_slow_consumers_disconnected_total{",
                "nundb_databases{",
                "nundb_keys{",
                "nundb_oplog_bytes{",
                "nundb_storage_writable{",
                "nundb_replication_pending_ops{")) {
            assertThat(before).as(name).contains(name);
        }
        String tcpOpen = "nundb_connections_open{application=\"nundb\",transport=\"tcp\"}";

        try (LineClient admin = new LineClient(tcp.port());
                LineClient user = new LineClient(tcp.port())) {
            assertThat(admin.call("auth nun nun-pwd")).contains("valid auth");
            assertThat(admin.call("create-db metrics-db metrics-token")).contains("create-db success");
            assertThat(user.call("use-db metrics-db metrics-token")).last().isEqualTo("ok ");
            assertThat(user.call("watch k")).last().isEqualTo("ok ");
            assertThat(user.call("set k 1")).last().isEqualTo("ok ");
            assertThat(user.call("set-safe k 0 2")).last().isEqualTo("ok ");
            assertThat(user.call("set-safe k 0 3")).last().isEqualTo("error Invalid version! ");
            assertThat(user.call("no-such-command")).last().asString().startsWith("error ");

            String after = scrape();
            assertThat(value(
                            after,
                            "nundb_commands_seconds_count{application=\"nundb\",command=\"set\",outcome=\"ok\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(
                            value(
                                    after,
                                    "nundb_commands_seconds_count{application=\"nundb\",command=\"set-safe\",outcome=\"version_error\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(
                            value(
                                    after,
                                    "nundb_commands_seconds_count{application=\"nundb\",command=\"invalid\",outcome=\"error\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after)
                    .contains("nundb_commands_seconds_bucket{application=\"nundb\",command=\"set\",outcome=\"ok\",le=");
            assertThat(after).doesNotContain("command=\"k\"").doesNotContain("metrics-db\"");
            assertThat(value(after, tcpOpen)).isEqualTo(value(before, tcpOpen) + 2);
            assertThat(value(after, "nundb_watches_active{application=\"nundb\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(after, "nundb_notifications_sent_total{application=\"nundb\"}"))
                    .isGreaterThan(value(before, "nundb_notifications_sent_total{application=\"nundb\"}"));
            assertThat(value(after, "nundb_databases{application=\"nundb\"}"))
                    .isEqualTo(value(before, "nundb_databases{application=\"nundb\"}") + 1);
            assertThat(value(after, "nundb_keys{application=\"nundb\"}"))
                    .isGreaterThan(value(before, "nundb_keys{application=\"nundb\"}"));
            assertThat(value(after, "nundb_oplog_bytes{application=\"nundb\"}"))
                    .as("durable storage reports its op log")
                    .isGreaterThan(value(before, "nundb_oplog_bytes{application=\"nundb\"}"));
            assertThat(value(after, "nundb_storage_writable{application=\"nundb\"}"))
                    .isEqualTo(1);
            assertThat(admin.call("use-db metrics-db metrics-token")).last().isEqualTo("ok ");
            assertThat(admin.call("snapshot")).last().isEqualTo("ok ");
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String closed = scrape();
            assertThat(value(closed, tcpOpen)).isEqualTo(value(before, tcpOpen));
            assertThat(value(closed, "nundb_snapshot_duration_seconds_count{application=\"nundb\",reclaim=\"false\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(closed, "nundb_oplog_fsync_seconds_count{application=\"nundb\"}"))
                    .as("the interval policy fsyncs the writes above")
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(closed, "nundb_watches_active{application=\"nundb\"}"))
                    .isEqualTo(value(before, "nundb_watches_active{application=\"nundb\"}"));
        });
    }

    @Test
    void webSocketConnectionsAreCounted() throws Exception {
        String ws = "nundb_connections_open{application=\"nundb\",transport=\"ws\"}";
        double before = value(scrape(), ws);
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + wsServer.port() + "/"), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(value(scrape(), ws)).isEqualTo(before + 1));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(value(scrape(), ws)).isEqualTo(before));
        web.get()
                .uri("/actuator/health/details")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .exchange()
                .expectBody()
                .jsonPath("$.components.nundb.details.conditions['ws bound']")
                .isEqualTo(true);
    }

    @Autowired
    RSocketRequester.Builder rsocketBuilder;

    @Value("${local.rsocket.server.port}")
    int rsocketPort;

    @Test
    void rsocketConnectionsAreCounted() {
        String rsocket = "nundb_connections_open{application=\"nundb\",transport=\"rsocket\"}";
        double before = value(scrape(), rsocket);
        RSocketRequester client =
                rsocketBuilder.dataMimeType(MimeTypeUtils.TEXT_PLAIN).tcp("127.0.0.1", rsocketPort);
        client.route("command").data("ping").retrieveMono(String.class).block(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(value(scrape(), rsocket)).isEqualTo(before + 1));
        client.dispose();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(value(scrape(), rsocket)).isEqualTo(before));
    }

    @LocalServerPort
    int httpPort;

    @Test
    void aBadPercentEncodedPathIsABadRequest() {
        for (String path : List.of("/actuator/health/a%2Fb", "/actuator/health/a%5Cb", "/api/v1/dbs/a%2Fb/keys/k")) {
            web.get()
                    .uri(URI.create("http://127.0.0.1:" + httpPort + path))
                    .exchange()
                    .expectStatus()
                    .isBadRequest();
        }
    }

    @Test
    void transportsWithoutTheirOwnCountUseTheHook() {
        String rsocket = "nundb_connections_open{application=\"nundb\",transport=\"rsocket\"}";
        double before = value(scrape(), rsocket);
        connections.opened("rsocket");
        assertThat(value(scrape(), rsocket)).isEqualTo(before + 1);
        connections.closed("rsocket");
        assertThat(value(scrape(), rsocket)).isEqualTo(before);
    }

    @Test
    void metricsEndpointListsTheCommandTimer() {
        run(new Session("http", m -> true), "list-commands");
        web.get()
                .uri("/actuator/metrics/nundb.commands")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo("nundb.commands");
    }

    private Response run(Session session, String command) {
        return executor.execute(session, command)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    private String scrape() {
        return web.mutate()
                .responseTimeout(Duration.ofSeconds(20))
                .build()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    /** The sample value of the series whose name and labels start with {@code series}. */
    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "\\S*\\s+(\\S+)")
                .matcher(scrape);
        assertThat(m.find()).as("series " + series + " in scrape").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
