package io.nundb.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.transport.ws.WsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** NUN_ALLOWED_ORIGINS set: other sites' pages are refused on HTTP and WebSocket before anything runs. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            "nundb.allowed-origins=https://app.example.com"
        })
@AutoConfigureWebTestClient
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class AllowedOriginsTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    WebTestClient http;

    @Autowired
    WsServer ws;

    private WebTestClient.ResponseSpec post(String origin, String body) {
        return http.post()
                .uri("/")
                .header(HttpHeaders.ORIGIN, origin)
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue(body)
                .exchange();
    }

    @Test
    void anotherSitesPageIsRefusedAndRunsNothingWhileTheAllowedOneGetsCorsHeaders() {
        post("https://evil.example", "auth nun nun-pwd; create-db stolen t")
                .expectStatus()
                .isForbidden();
        post("https://app.example.com", "auth nun nun-pwd; create-db mine t")
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example.com")
                .expectBody(String.class)
                .isEqualTo("valid auth\n;create-db success\n");
        // without Origin (not a browser) the door is open as before; the refused request created nothing
        http.post()
                .uri("/")
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("use-db stolen t")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .isEqualTo("Not a valid database name");
        http.options()
                .uri("/api/v1/dbs/mine/keys/k")
                .header(HttpHeaders.ORIGIN, "https://app.example.com")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "PUT")
                .exchange()
                .expectStatus()
                .isNoContent()
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example.com");
    }

    @LocalServerPort
    int httpPort;

    @Test
    void aWebSocketFromAnotherSiteIsRefusedBeforeTheUpgrade() throws Exception {
        refusesOtherSitesBeforeTheUpgrade(URI.create("ws://127.0.0.1:" + ws.port() + "/"));
    }

    @Test
    void rsocketOverWebSocketFromAnotherSiteIsRefusedBeforeTheUpgrade() throws Exception {
        refusesOtherSitesBeforeTheUpgrade(URI.create("ws://127.0.0.1:" + httpPort + "/rsocket"));
    }

    private static void refusesOtherSitesBeforeTheUpgrade(URI url) throws Exception {
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .newWebSocketBuilder()
                        .header("Origin", "https://evil.example")
                        .buildAsync(url, new WebSocket.Listener() {})
                        .get(10, TimeUnit.SECONDS))
                .hasStackTraceContaining("status code 403");
        WebSocket ok = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Origin", "https://app.example.com")
                .buildAsync(url, new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);
        assertThat(ok.isOutputClosed()).isFalse();
        ok.abort();
    }
}
