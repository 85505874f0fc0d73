package io.nundb.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.transport.ws.WsServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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

/**
 * The defects {@link FuzzHarnessTest} found, one case each: client misbehaviour that made the server
 * log a stack trace (or an unbounded line per request) instead of one rate-limited WARN line.
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
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DirtiesContext
class FuzzFindingsTest {

    /** A stack frame, a cause, or any line logged at ERROR. */
    private static final Pattern STACK =
            Pattern.compile("(?m)^\\s+at [\\w.$/<>]+\\(.*\\)$|^Caused by: | ERROR \\d+ ---");

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @LocalServerPort
    int httpPort;

    @Value("${local.rsocket.server.port}")
    int rsocketPort;

    @Autowired
    WsServer ws;

    @Test
    void aPostBodyCutByAResetIsNoServerError(CapturedOutput output) throws Exception {
        sendThenReset("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nget a; ");
        assertNoStackTrace(output, "500 Server Error");
    }

    /** The fuzz found it on {@code POST /api/v1/dbs}: a JSON body is read by Spring, not by RequestText. */
    @Test
    void aRestJsonBodyCutByAResetIsNoServerError(CapturedOutput output) throws Exception {
        sendThenReset("POST /api/v1/dbs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000\r\n\r\n{\"name\":\"cut\",");
        assertNoStackTrace(output, "500 Server Error");
    }

    /**
     * Found by reading the doors: netty answers a broken chunk 400 at once, and the handler that
     * was reading the body then failed to send its own answer: 500 with an ERROR and a stack trace.
     */
    @Test
    void aBrokenChunkedBodyIsNoServerError(CapturedOutput output) throws Exception {
        for (String head :
                new String[] {"POST / HTTP/1.1", "PUT /api/v1/dbs/x/keys/a HTTP/1.1", "POST /api/v1/dbs HTTP/1.1"}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", httpPort));
                s.getOutputStream()
                        .write((head + "\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nzz\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoTimeout(10_000);
                String reply = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(reply).as(head).isEqualTo("HTTP/1.1 400");
                Thread.sleep(300); // the server's handler runs on after the 400; the close comes after
            }
        }
        assertNoStackTrace(output, "500 Server Error");
    }

    /** Found by reading the doors: reactor-netty logged each such handshake at ERROR with a stack trace. */
    @Test
    void aBadWebSocketHandshakeOnTheRSocketPathIsRefusedWithoutAStackTrace(CapturedOutput output) throws Exception {
        String upgrade = "GET /rsocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        assertThat(statusLine(upgrade + "Sec-WebSocket-Version: 13\r\n\r\n")).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(statusLine(
                        upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n"))
                .isEqualTo("HTTP/1.1 426 Upgrade Required");
        assertNoStackTrace(output, "Error finishing response");
    }

    private String statusLine(String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", httpPort));
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            StringBuilder line = new StringBuilder();
            for (int c = s.getInputStream().read();
                    c >= 0 && c != '\r';
                    c = s.getInputStream().read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    private void sendThenReset(String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", httpPort));
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // let the server start reading the body before the reset
            s.setSoLinger(true, 0);
        }
    }

    @Test
    void aWebSocketClosedInsideAFragmentedMessageLogsNoStackTrace(CapturedOutput output) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", ws.port()));
        RawWs client = new RawWs(s, 10_000);
        client.frame(false, 0, RawWs.TEXT, "get a".getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(200); // the fragment is read before the close
        s.setSoLinger(true, 0);
        client.close();
        assertNoStackTrace(output, "onUncaughtException");
    }

    @Test
    void aWebSocketResetWithRepliesInFlightLogsNoStackTrace(CapturedOutput output) throws Exception {
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", ws.port()));
            RawWs client = new RawWs(s, 10_000);
            for (int j = 0; j < 50; j++) {
                client.text("get a; keys; get b");
            }
            s.setSoLinger(true, 0);
            client.close();
        }
        assertNoStackTrace(output, "onErrorDropped");
    }

    @Test
    void anUndecodableRSocketWatchIsRefusedWithoutAStackTrace(CapturedOutput output) throws Exception {
        assertThat(watchRefusal("not json at all")).isNotEqualTo(NO_REFUSAL);
        assertNoStackTrace(output, "No exception handling method");
    }

    @Test
    void anRSocketWatchOfANullKeyIsRefusedWithoutAStackTrace(CapturedOutput output) throws Exception {
        assertThat(watchRefusal("{\"keys\":[\"a\",null],\"login\":\"use-db nodb token\"}"))
                .contains("a key is null");
        assertNoStackTrace(output, "NullPointerException");
    }

    private static final String NO_REFUSAL = "no refusal";

    /** The error an RSocket {@code watch} with {@code data} ends with. */
    private String watchRefusal(String data) {
        RSocketRequester r = RSocketRequester.builder()
                .rsocketStrategies(RSocketStrategies.create())
                .tcp("127.0.0.1", rsocketPort);
        try {
            return r.route("watch")
                    .data(data)
                    .retrieveFlux(String.class)
                    .then(reactor.core.publisher.Mono.just(NO_REFUSAL))
                    .onErrorResume(e -> reactor.core.publisher.Mono.just(String.valueOf(e.getMessage())))
                    .block(Duration.ofSeconds(20));
        } finally {
            r.dispose();
        }
    }

    @Test
    void malformedHttpRequestsAreNotLoggedOneLineEach(CapturedOutput output) throws Exception {
        for (int i = 0; i < 30; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", httpPort));
                s.getOutputStream().write("GET / HTTP/1.1\nHost: x\n\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoTimeout(10_000);
                s.getInputStream().readAllBytes();
            }
        }
        Thread.sleep(500); // nothing to wait on: the absence of log lines is the point
        assertThat(output.getOut().split("InvalidLineSeparatorException", -1).length - 1)
                .as("log lines for 30 malformed requests")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void pathsWithDotDotAreNotLoggedOneLineEach(CapturedOutput output) throws Exception {
        for (int i = 0; i < 30; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", httpPort));
                s.getOutputStream()
                        .write("GET /api/v1/../x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoTimeout(10_000);
                s.getInputStream().readAllBytes();
            }
        }
        Thread.sleep(500); // nothing to wait on: the absence of log lines is the point
        assertThat(output.getOut().split("Path contains", -1).length - 1)
                .as("log lines for 30 requests with ../")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void aRestWriteByAUserWhoMayNotReadTheKeyIsStoredAndAnswered204() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + httpPort;
        String setup = post(
                http,
                base + "/",
                "auth nun nun-pwd; create-db wonly wonly-token; use-db wonly wonly-token; "
                        + "create-user writer writer-token; set-permissions writer w b*|i c*");
        assertThat(setup).doesNotContain("error");
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("writer:writer-token".getBytes());
        for (String ifMatch : new String[] {null, "\"0\""}) {
            java.net.http.HttpRequest.Builder put = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(base + "/api/v1/dbs/wonly/keys/b1"))
                    .header("Authorization", basic)
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v" + ifMatch));
            if (ifMatch != null) {
                put.header("If-Match", ifMatch);
            }
            var reply = http.send(put.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode())
                    .as("PUT If-Match %s: %s", ifMatch, reply.body())
                    .isEqualTo(204);
            assertThat(post(http, base + "/", "use-db wonly wonly-token; get b1"))
                    .isEqualTo("empty;value v" + ifMatch + "\n");
        }
        var increment = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/dbs/wonly/keys/c1/increment"))
                        .header("Authorization", basic)
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(increment.statusCode()).isEqualTo(204);
        assertThat(post(http, base + "/", "use-db wonly wonly-token; get c1")).isEqualTo("empty;value 1\n");
        // a write the user may not do at all is still refused, and changes nothing
        var denied = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/dbs/wonly/keys/a1"))
                        .header("Authorization", basic)
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(post(http, base + "/", "use-db wonly wonly-token; get a1")).isEqualTo("empty;value <Empty>\n");
    }

    private static String post(java.net.http.HttpClient http, String url, String body) throws Exception {
        return http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static void assertNoStackTrace(CapturedOutput output, String marker) throws InterruptedException {
        // the server logs on its own threads after the client is gone: give it a moment to (not) do so
        Thread.sleep(1_000);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(output.getOut()).doesNotContain(marker);
            assertThat(STACK.matcher(output.getOut()).find())
                    .as("a stack trace in:\n%s", output.getOut())
                    .isFalse();
        });
    }
}
