package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nundb.security.OriginPolicy;
import io.nundb.testing.InMemoryEngine;
import io.nundb.watch.OutboxLimits;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection hygiene of the WebSocket door: an unfinished upgrade request is closed after the
 * handshake timeout (an open WebSocket is not), and connections above the limit are refused.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WsHandshakeTimeoutTest {

    private final InMemoryEngine engine = new InMemoryEngine("nun", "pwd");
    private WsServer server;

    @BeforeEach
    void start() {
        server = newServer();
        server.start();
    }

    /** A handshake timeout of 1 s and at most 2 connections. */
    private WsServer newServer() {
        return new WsServer(
                "127.0.0.1",
                0,
                engine.executor(),
                engine.stats(),
                OutboxLimits.messages(100),
                1 << 20,
                OriginPolicy.ANY,
                Duration.ofSeconds(1),
                2);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aHalfSentHandshakeIsClosedAfterTheTimeout() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertThat(read).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void anOpenWebSocketOutlivesTheHandshakeTimeout() throws Exception {
        try (WsTestClient client = new WsTestClient("ws://127.0.0.1:" + server.port() + "/")) {
            assertThat(client.call("auth nun pwd", 2)).containsExactly("valid auth\n", "ok \n");
            Thread.sleep(2_500); // idle on purpose, longer than the handshake timeout
            assertThat(client.call("auth nun pwd", 2)).containsExactly("valid auth\n", "ok \n");
        }
    }

    @Test
    void aConnectionAboveTheLimitIsRefusedWithTheReason() throws Exception {
        String url = "ws://127.0.0.1:" + server.port() + "/";
        try (WsTestClient first = new WsTestClient(url);
                WsTestClient second = new WsTestClient(url)) {
            assertThat(first.call("auth nun pwd", 2)).containsExactly("valid auth\n", "ok \n");
            assertThat(second.call("auth nun pwd", 2)).containsExactly("valid auth\n", "ok \n");
            assertThatThrownBy(() -> java.net.http.HttpClient.newHttpClient()
                            .newWebSocketBuilder()
                            .buildAsync(java.net.URI.create(url), new java.net.http.WebSocket.Listener() {})
                            .get(10, TimeUnit.SECONDS))
                    .hasStackTraceContaining("status code 503");
        }
        // once they left, a new one gets in
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
        try (WsTestClient third = new WsTestClient(url)) {
            assertThat(third.call("auth nun pwd", 2)).containsExactly("valid auth\n", "ok \n");
        }
    }

    /** NUN_IDLE_TIMEOUT: a silent WebSocket is closed with the reason; one that talks stays. */
    @Test
    void aSilentWebSocketIsClosedAfterTheIdleTimeoutAndATalkingOneStays() throws Exception {
        server.stop();
        server = newServer().idleTimeout(Duration.ofMillis(800));
        server.start();
        java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket silent = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(
                        java.net.URI.create("ws://127.0.0.1:" + server.port() + "/"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onClose(
                                    java.net.http.WebSocket ws, int status, String reason) {
                                closed.complete(status + " " + reason);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        try (WsTestClient talking = new WsTestClient("ws://127.0.0.1:" + server.port() + "/")) {
            for (int i = 0; i < 8; i++) {
                assertThat(talking.call("ping", 2)).containsExactly("pong\n", "ok \n");
                Thread.sleep(250); // talks more often than the idle timeout, on purpose
            }
            assertThat(closed.get(10, TimeUnit.SECONDS)).startsWith("1000 idle timeout");
            assertThat(talking.call("ping", 2)).containsExactly("pong\n", "ok \n");
        }
        silent.abort();
    }
}
