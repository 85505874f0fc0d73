package io.nundb.transport.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nundb.transport.BadInputLog;
import io.nundb.transport.stream.StreamEvent;
import io.nundb.watch.BoundedOutbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;
import reactor.test.StepVerifier;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class RSocketTransportTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    RSocketRequester.Builder builder;

    @Value("${local.rsocket.server.port}")
    int port;

    static int counter;
    String db;

    @Autowired
    RSocketStrategies strategies;

    @LocalServerPort
    int httpPort;

    /** A text/plain connection: {@code command} answers NunDB's text. */
    RSocketRequester connect(String login) {
        return builder(login, MimeTypeUtils.TEXT_PLAIN).tcp("127.0.0.1", port);
    }

    /** An application/json connection: JSON replies, and a watch request sent as an object. */
    RSocketRequester connectJson(String login) {
        return builder(login, MimeTypeUtils.APPLICATION_JSON).tcp("127.0.0.1", port);
    }

    /** A fresh builder each time: the injected one is mutable and would keep an earlier login. */
    RSocketRequester.Builder builder(String login, MimeType dataMimeType) {
        RSocketRequester.Builder b =
                RSocketRequester.builder().rsocketStrategies(strategies).dataMimeType(dataMimeType);
        if (login != null) {
            b = b.setupMetadata(login, RSocketLogin.MIME_TYPE);
        }
        return b;
    }

    String call(RSocketRequester r, String command) {
        return r.route("command").data(command).retrieveMono(String.class).block(Duration.ofSeconds(10));
    }

    @BeforeEach
    void createDb() {
        db = "rs" + (++counter);
        RSocketRequester admin = connect("auth nun nun-pwd");
        assertThat(call(admin, "create-db " + db + " tok")).isEqualTo("create-db success\nok \n");
        admin.dispose();
    }

    @Test
    void commandsAnswerTheirMessagesAndTheFinalLine() {
        RSocketRequester r = connect("use-db " + db + " tok");
        assertThat(call(r, "set a 1;2")).isEqualTo("ok \n");
        assertThat(call(r, "get a; get-safe a")).isEqualTo("value 1;2\nok \nvalue-version 0 1;2\nok \n");
        assertThat(call(r, "increment a")).isEqualTo("error Key is not numeric \n");
        r.dispose();
    }

    @Test
    void aJsonConnectionGetsJsonReplies() {
        RSocketRequester r = RSocketRequester.builder()
                .rsocketStrategies(strategies)
                .dataMimeType(MimeTypeUtils.APPLICATION_JSON)
                .setupMetadata("use-db " + db + " tok", RSocketLogin.MIME_TYPE)
                .tcp("127.0.0.1", port);
        assertThat(json(r, "set a 1;2")).isEqualTo("{\"ok\":true}");
        assertThat(json(r, "get-safe a")).isEqualTo("{\"ok\":true,\"key\":\"a\",\"version\":0,\"value\":\"1;2\"}");
        assertThat(json(r, "get-safe none")).isEqualTo("{\"ok\":true,\"key\":\"none\",\"version\":1,\"value\":null}");
        assertThat(json(r, "keys")).isEqualTo("{\"ok\":true,\"keys\":[\"$connections\",\"a\"]}");
        assertThat(json(r, "increment a"))
                .isEqualTo("{\"ok\":false,\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"Key is not numeric\"}}");
        assertThat(json(r, "get $$token")).contains("\"code\":\"PERMISSION_DENIED\"");
        // several commands in one payload: one object each, in an array
        assertThat(json(r, "ping; get a"))
                .isEqualTo(
                        "[{\"ok\":true,\"text\":\"pong\\n\"},{\"ok\":true,\"key\":\"a\",\"version\":0,\"value\":\"1;2\"}]");
        r.dispose();
    }

    /** The reply's JSON text as sent. */
    String json(RSocketRequester r, String command) {
        byte[] bytes =
                r.route("command").data(command).retrieveMono(byte[].class).block(Duration.ofSeconds(10));
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aConnectionWithoutLoginCanLogInWithCommands() {
        RSocketRequester r = connect(null);
        assertThat(call(r, "get a")).isEqualTo("error no-db-selected\nerror error no-db-selected\n \n");
        assertThat(call(r, "use-db " + db + " tok")).isEqualTo("ok \n");
        r.dispose();
    }

    @Test
    void aBadLoginIsRejectedAtSetup() {
        RSocketRequester r = connect("use-db " + db + " wrong");
        assertThatThrownBy(() -> call(r, "get a")).hasMessageContaining("Invalid token");
        r.dispose();
    }

    @Test
    void watchStreamsChangesAndResumes() {
        RSocketRequester watcher = connectJson("use-db " + db + " tok");
        RSocketRequester writer = connect("use-db " + db + " tok");
        call(writer, "set w start");
        StepVerifier.create(watcher.route("watch")
                        .data(new WatchRoute(List.of("w"), true, null, null))
                        .retrieveFlux(StreamEvent.class)
                        .filter(e -> !e.isReady()))
                .assertNext(e -> assertThat(e).isEqualTo(new StreamEvent("current", "w", 0, "start", "0")))
                .then(() -> call(writer, "set w next"))
                .assertNext(e -> assertThat(e).isEqualTo(new StreamEvent("change", "w", 1, "next", "1")))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        call(writer, "set w missed");
        StepVerifier.create(watcher.route("watch")
                        .data(new WatchRoute(List.of("w"), false, "1", null))
                        .retrieveFlux(StreamEvent.class)
                        .filter(e -> !e.isReady()))
                .assertNext(e -> assertThat(e).isEqualTo(new StreamEvent("change", "w", 2, "missed", "2")))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        watcher.dispose();
        writer.dispose();
    }

    @Test
    void aMessagesStreamThatFallsBehindGetsTheSlowConsumerMessageThenAnError() {
        RSocketRequester watcher = connect("use-db " + db + " tok");
        RSocketRequester writer = connect("use-db " + db + " tok");
        String value = "x".repeat(64 * 1024);
        StepVerifier.create(watcher.route("messages").retrieveFlux(String.class), 1)
                .then(() -> {
                    assertThat(call(watcher, "watch big")).isEqualTo("ok \n");
                    call(writer, "set big first");
                })
                .expectNext("changed big first\n")
                .then(() -> {
                    // 20 MB of notifications, above the 16 MiB per-connection default
                    for (int i = 0; i < 320; i++) {
                        call(writer, "set big " + value);
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(m -> !m.startsWith("error slow consumer"))
                .expectNext(BoundedOutbox.SLOW_CONSUMER)
                .expectErrorMessage(BoundedOutbox.SLOW_CONSUMER.strip())
                .verify(Duration.ofSeconds(30));
        assertThat(call(writer, "get big")).startsWith("value x");
        watcher.dispose();
        writer.dispose();
    }

    @Test
    void aPayloadAboveTheValueLimitIsRefusedWhetherWholeOrFragmented() {
        RSocketRequester r = connect("use-db " + db + " tok");
        String big = "set big " + "b".repeat(1_100_000);
        assertThat(call(r, big)).startsWith("error payload too large");
        assertThat(call(r, "get big")).isEqualTo("value <Empty>\n" + "ok \n");
        r.dispose();
        // fragmented by the client into 64 KB frames: held to the same limit once reassembled
        RSocketRequester fragmented = RSocketRequester.builder()
                .rsocketStrategies(strategies)
                .dataMimeType(MimeTypeUtils.TEXT_PLAIN)
                .setupMetadata("use-db " + db + " tok", RSocketLogin.MIME_TYPE)
                .rsocketConnector(c -> c.fragment(64 * 1024))
                .tcp("127.0.0.1", port);
        assertThat(call(fragmented, "set huge " + "h".repeat(3 * 1024 * 1024))).startsWith("error payload too large");
        // beyond RSocket's own payload limit: refused while being reassembled, never stored
        String huge = "set huge " + "h".repeat(17 * 1024 * 1024);
        assertThatThrownBy(() -> call(fragmented, huge)).isNotNull();
        fragmented.dispose();
        RSocketRequester again = connect("use-db " + db + " tok");
        assertThat(call(again, "get huge")).isEqualTo("value <Empty>\n" + "ok \n");
        again.dispose();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void refusedLoginsAndDisconnectsLeaveNoStackTraceInTheLog(CapturedOutput output) {
        for (int i = 0; i < 20; i++) {
            RSocketRequester bad = connect("use-db " + db + " wrong");
            assertThatThrownBy(() -> call(bad, "get a")).hasMessageContaining("Invalid token");
            bad.dispose();
            RSocketRequester anonymous = connectJson(null);
            assertThatThrownBy(() -> anonymous
                            .route("watch")
                            .data(new WatchRoute(List.of("k"), false, null, null))
                            .retrieveFlux(StreamEvent.class)
                            .blockFirst(Duration.ofSeconds(10)))
                    .hasMessageContaining("watch needs a login");
            anonymous.dispose();
        }
        RSocketRequester good = connect("use-db " + db + " tok");
        assertThat(call(good, "set a 1")).isEqualTo("ok \n");
        good.dispose();
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("rsocket login refused"));
        assertThat(output.getOut()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
        assertThat(output.getOut().split("rsocket login refused", -1).length - 1)
                .as("one WARN line per kind per 10 s")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void aJsonConnectionTakesJsonStringsAndGetsPushedMessagesAsJson() {
        RSocketRequester r = connectJson("use-db " + db + " tok");
        call(r, "set s abc");
        assertThat(call(r, "set j 1; increment s"))
                .isEqualTo("[{\"ok\":true},"
                        + "{\"ok\":false,\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"Key is not numeric\"}}]");
        assertThat(call(r, "\"get j\""))
                .as("a JSON string is the command text")
                .isEqualTo(call(r, "get j"))
                .contains("\"value\":\"1\"");
        RSocketRequester writer = connect("use-db " + db + " tok");
        StepVerifier.create(r.route("messages").retrieveFlux(String.class))
                .then(() -> {
                    call(r, "watch j");
                    call(writer, "set j 2");
                })
                .expectNext("\"changed j 2\"")
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        r.dispose();
        writer.dispose();
    }

    @Test
    void aTextConnectionWatchesWithTheKeysAsText() {
        RSocketRequester watcher = connect("use-db " + db + " tok");
        RSocketRequester writer = connect("use-db " + db + " tok");
        StepVerifier.create(watcher.route("watch").data("t1 t2").retrieveFlux(String.class))
                .expectNext("{\"type\":\"ready\",\"key\":null,\"version\":0,\"value\":null,\"id\":null}")
                .then(() -> call(writer, "set t2 x"))
                .expectNext("{\"type\":\"change\",\"key\":\"t2\",\"version\":0,\"value\":\"x\",\"id\":\"t2:0\"}")
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        watcher.dispose();
        writer.dispose();
    }

    @Test
    void rsocketOverWebSocketOnTheHttpPort() throws Exception {
        URI url = URI.create("ws://127.0.0.1:" + httpPort + "/rsocket");
        RSocketRequester watcher =
                builder("use-db " + db + " tok", MimeTypeUtils.APPLICATION_JSON).websocket(url);
        RSocketRequester writer =
                builder("use-db " + db + " tok", MimeTypeUtils.TEXT_PLAIN).websocket(url);
        assertThat(call(writer, "set ws 1; get ws")).isEqualTo("ok \nvalue 1\nok \n");
        StepVerifier.create(watcher.route("watch")
                        .data(new WatchRoute(List.of("ws"), true, null, null))
                        .retrieveFlux(StreamEvent.class)
                        .filter(e -> !e.isReady()))
                .assertNext(e -> assertThat(e).isEqualTo(new StreamEvent("current", "ws", 0, "1", "0")))
                .then(() -> call(writer, "set ws 2"))
                .assertNext(e -> assertThat(e).isEqualTo(new StreamEvent("change", "ws", 1, "2", "1")))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        watcher.dispose();
        writer.dispose();
        HttpResponse<String> plain = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/rsocket"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("RSocket over WebSocket");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void badInputGetsAPlainErrorFrameAndOneWarnLineWithoutStackTrace(CapturedOutput output) {
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            RSocketRequester cbor = builder("use-db " + db + " tok", MimeTypeUtils.parseMimeType("application/cbor"))
                    .tcp("127.0.0.1", port);
            assertThatThrownBy(() -> call(cbor, "get a"))
                    .hasMessageContaining("data MIME type 'application/cbor' is not supported: use text/plain or "
                            + "application/json");
            cbor.dispose();
            RSocketRequester r = connectJson("use-db " + db + " tok");
            assertThatThrownBy(() -> r.route("comand")
                            .data("get a")
                            .retrieveMono(String.class)
                            .block(Duration.ofSeconds(10)))
                    .hasMessageContaining("unknown route 'comand'")
                    .hasMessageContaining("the routes are 'command' (request-response)");
            assertThatThrownBy(() -> r.route("command")
                            .data("get a")
                            .retrieveFlux(String.class)
                            .blockFirst(Duration.ofSeconds(10)))
                    .hasMessageContaining("route 'command' does not take a request-stream");
            assertThatThrownBy(() -> r.route("watch")
                            .data("{\"keys\":")
                            .retrieveFlux(String.class)
                            .blockFirst(Duration.ofSeconds(10)))
                    .hasMessageContaining("watch request is not valid");
            r.dispose();
        }
        RSocketRequester good = connect("use-db " + db + " tok");
        assertThat(call(good, "set a 1")).isEqualTo("ok \n");
        good.dispose();
        // the WARN windows are shared by the JVM: another test may have used one just before, so
        // keep refusing until each kind's next window opens
        List<String> kinds = List.of("rsocket setup refused", "rsocket route refused", "rsocket watch request refused");
        RSocketRequester again = connectJson("use-db " + db + " tok");
        await().atMost(Duration.ofSeconds(25))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    RSocketRequester cbor = builder(
                                    "use-db " + db + " tok", MimeTypeUtils.parseMimeType("application/cbor"))
                            .tcp("127.0.0.1", port);
                    assertThatThrownBy(() -> call(cbor, "get a")).hasMessageContaining("is not supported");
                    cbor.dispose();
                    assertThatThrownBy(() -> again.route("comand")
                                    .data("get a")
                                    .retrieveMono(String.class)
                                    .block(Duration.ofSeconds(10)))
                            .hasMessageContaining("unknown route 'comand'");
                    assertThatThrownBy(() -> again.route("watch")
                                    .data("{\"keys\":")
                                    .retrieveFlux(String.class)
                                    .blockFirst(Duration.ofSeconds(10)))
                            .hasMessageContaining("watch request is not valid");
                    return kinds.stream().allMatch(k -> output.getOut().contains(k));
                });
        again.dispose();
        long windows = 1 + Duration.ofNanos(System.nanoTime() - start).toMillis() / BadInputLog.INTERVAL_MILLIS;
        assertThat(output.getOut()).doesNotContain("\tat ").doesNotContain("onErrorDropped");
        for (String kind : kinds) {
            assertThat((long) (output.getOut().split(kind, -1).length - 1))
                    .as("one WARN line for " + kind + " per 10 s")
                    .isBetween(1L, windows);
        }
    }
}
