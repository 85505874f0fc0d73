package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.watch.DeliveryStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A watcher that stops reading fills its bounded buffer and is cut off; everyone else goes on. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            "nundb.outbox-limit=20"
        })
@Timeout(value = 90, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class WsSlowConsumerTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    WsServer server;

    @Autowired
    DeliveryStats stats;

    @Test
    void aWatcherThatStopsReadingIsDisconnected() {
        String url = "ws://127.0.0.1:" + server.port() + "/";
        try (WsTestClient admin = new WsTestClient(url)) {
            admin.call("auth nun nun-pwd", 2);
            assertThat(admin.call("create-db slow tok", 2)).containsExactly("create-db success\n", "ok \n");
        }
        // A client that never asks for more than its first message: its socket fills up.
        WebSocket stalled = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        return null;
                    }
                })
                .join();
        stalled.sendText("use-db slow tok;watch big", true).join();
        String value = "x".repeat(64 * 1024);
        try (WsTestClient writer = new WsTestClient(url)) {
            assertThat(writer.call("use-db slow tok", 1)).containsExactly("ok \n");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                writer.send("set big " + value);
                writer.next();
                return stats.slowConsumersDisconnected() > 0;
            });
            assertThat(writer.call("get-safe small", 2)).containsExactly("value-version 1 <Empty>\n", "ok \n");
        } finally {
            stalled.abort();
        }
    }
}
