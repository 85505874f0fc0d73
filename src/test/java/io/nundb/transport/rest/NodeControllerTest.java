package io.nundb.transport.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.testing.LineClient;
import io.nundb.transport.tcp.TcpListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code GET /api/v1/node}, the admin view's data, without a browser: admin only, and what it reports. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
@Timeout(value = 90, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class NodeControllerTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.resolve("data").toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    TcpListener tcp;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> node(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/node"))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String pwd) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pwd).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theAdminSeesDatabasesConnectionsAndWatchesOfALoneNode() throws Exception {
        try (LineClient admin = new LineClient(tcp.port());
                LineClient watcher = new LineClient(tcp.port())) {
            assertThat(admin.call("auth nun nun-pwd")).contains("valid auth");
            assertThat(admin.call("create-db shop shop-token")).contains("create-db success");
            assertThat(watcher.call("use-db shop shop-token")).last().isEqualTo("ok ");
            assertThat(watcher.call("watch cart")).last().isEqualTo("ok ");

            assertThat(node(null).statusCode()).isEqualTo(401);
            assertThat(node("Bearer shop-token").statusCode()).isEqualTo(401);
            assertThat(node(basic("nun", "wrong")).statusCode()).isEqualTo(401);

            HttpResponse<String> view = node(basic("nun", "nun-pwd"));
            assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
            assertThat(view.body())
                    .contains("\"dbs\":[{\"name\":\"shop\",\"strategy\":\"none\"}]")
                    .contains("\"tcp\":2")
                    .contains("\"watchCount\":1")
                    .contains("\"watches\":[{\"db\":\"shop\",\"key\":\"cart\",\"watchers\":1}]")
                    .contains("\"cluster\":null")
                    .doesNotContain("$admin");
        }
        // the connections closed: their watches are gone
        await().atMost(Duration.ofSeconds(20))
                .until(() -> node(basic("nun", "nun-pwd")).body(), b -> b.contains("\"watchCount\":0"));
    }
}
