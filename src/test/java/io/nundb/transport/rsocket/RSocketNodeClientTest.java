package io.nundb.transport.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nundb.testing.NodeScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.RSocketStrategies;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.MimeTypeUtils;

/**
 * The RSocket door from Node with the npm rsocket-js clients ({@code rsocket-core},
 * {@code rsocket-tcp-client}, {@code rsocket-websocket-client}, pinned in
 * {@code src/test/js/package.json}), over TCP and over WebSocket: the documented example
 * ({@code rsocket-example.js}, shown as it is in docs/transports.md) and the bad input a stranger's
 * client sends ({@code rsocket-e2e.js}). Needs Node and the packages Maven installs with
 * {@code npm ci}; without them it reports itself skipped with the reason.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
@Timeout(value = 180, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class RSocketNodeClientTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Value("${local.rsocket.server.port}")
    int rsocketPort;

    @LocalServerPort
    int httpPort;

    @Autowired
    RSocketStrategies strategies;

    @BeforeAll
    static void nodeAndTheRSocketPackages() {
        NodeScripts.assumeReady("RSocket npm client test");
        assumeTrue(
                Files.exists(NodeScripts.JS_DIR.resolve("node_modules/rsocket-core/package.json")),
                "src/test/js/node_modules has no rsocket-core: run 'npm ci' in src/test/js (Maven does when npm "
                        + "is on the PATH)");
    }

    private void createDb(String name, String token) {
        RSocketRequester admin = RSocketRequester.builder()
                .rsocketStrategies(strategies)
                .dataMimeType(MimeTypeUtils.TEXT_PLAIN)
                .setupMetadata("auth nun nun-pwd", RSocketLogin.MIME_TYPE)
                .tcp("127.0.0.1", rsocketPort);
        String reply = admin.route("command")
                .data("create-db " + name + " " + token)
                .retrieveMono(String.class)
                .block(Duration.ofSeconds(10));
        assertThat(reply).isEqualTo("create-db success\nok \n");
        admin.dispose();
    }

    private String tcp() {
        return "tcp://127.0.0.1:" + rsocketPort;
    }

    private String ws() {
        return "ws://127.0.0.1:" + httpPort + "/rsocket";
    }

    private String run(String script, String... args) throws Exception {
        NodeScripts.Result node = NodeScripts.run(dir, 60, script, args);
        String out = node.output();
        assertThat(node.finished()).as("node finished in time; output:\n" + out).isTrue();
        assertThat(node.exitCode()).as("node exit code; output:\n" + out).isZero();
        return out;
    }

    @Test
    void theDocumentedExampleRunsOverTcpAndWebSocket() throws Exception {
        createDb("demo", "demo-token");
        for (String url : new String[] {tcp(), ws()}) {
            String key = url.startsWith("tcp") ? "greeting-tcp" : "greeting-ws";
            assertThat(run("rsocket-example.js", url))
                    .as(url)
                    .isEqualTo("set: [{\"ok\":true,\"messages\":[]}]\n"
                            + "get: [{\"ok\":true,\"messages\":[\"value hello\"]}]\n"
                            + "change " + key + ": hello from another client\n");
        }
    }

    @Test
    void badInputFromNodeGetsPlainErrorsAndNoStackTrace(CapturedOutput log) throws Exception {
        createDb("strangers", "strangers-token");
        for (String url : new String[] {tcp(), ws()}) {
            assertThat(run("rsocket-e2e.js", url, "strangers", "strangers-token"))
                    .as(url)
                    .contains("PASS text/plain command answers NunDB text")
                    .contains("PASS text/plain watch takes the keys as text")
                    .contains("PASS a wrong data MIME type is rejected naming the accepted ones")
                    .contains("PASS a bad login is rejected")
                    .contains("PASS an unknown route is refused naming the routes")
                    .contains("PASS a request without route is refused")
                    .contains("PASS a route of another interaction is refused")
                    .contains("PASS a JSON connection answers JSON, also to a JSON string")
                    .contains("PASS a watch without login is refused")
                    .contains("PASS a malformed watch request is refused")
                    .contains("ALL PASSED");
        }
        assertThat(log.getOut())
                .contains("bad input: rsocket setup refused")
                .contains("bad input: rsocket route refused")
                .doesNotContain("\tat ")
                .doesNotContain("onErrorDropped");
    }
}
