package io.nundb.transport.ws;

import io.nundb.transport.ProtocolClient;
import io.nundb.transport.ProtocolContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The protocol contract over WebSocket: one command per text frame. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=" + ProtocolContract.ADMIN_USER,
            "nundb.pwd=" + ProtocolContract.ADMIN_PWD,
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class WsProtocolContractTest extends ProtocolContract {

    @TempDir
    static Path dbsDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nundb.dbs-dir", () -> dbsDir.toString());
    }

    @Autowired
    WsServer server;

    @Override
    protected ProtocolClient openClient() {
        WsTestClient ws = new WsTestClient("ws://127.0.0.1:" + server.port() + "/");
        return new ProtocolClient() {
            @Override
            public void send(String command) {
                ws.send(command);
            }

            @Override
            public String next(Duration timeout) {
                return ws.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                ws.close();
            }
        };
    }
}
