package io.nundb.transport.rsocket;

import io.nundb.transport.ProtocolClient;
import io.nundb.transport.ProtocolContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.MimeTypeUtils;
import reactor.core.Disposable;

/**
 * The protocol contract over RSocket: each command is a {@code command} request whose reply is
 * split back into lines, and pushed messages arrive on the connection's {@code messages} stream.
 */
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
class RSocketProtocolContractTest extends ProtocolContract {

    @TempDir
    static Path dbsDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nundb.dbs-dir", () -> dbsDir.toString());
    }

    @Autowired
    RSocketRequester.Builder builder;

    @Value("${local.rsocket.server.port}")
    int port;

    @Override
    protected ProtocolClient openClient() {
        RSocketRequester requester =
                builder.dataMimeType(MimeTypeUtils.TEXT_PLAIN).tcp("127.0.0.1", port);
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        Disposable pushed =
                requester.route("messages").retrieveFlux(String.class).subscribe(inbox::add);
        return new ProtocolClient() {
            @Override
            public void send(String command) {
                // One request at a time keeps the session's commands in order, as on a socket.
                String reply = requester
                        .route("command")
                        .data(command)
                        .retrieveMono(String.class)
                        .block(REPLY_TIMEOUT);
                int start = 0;
                while (start < reply.length()) {
                    int lf = reply.indexOf('\n', start);
                    int end = lf < 0 ? reply.length() : lf + 1;
                    inbox.add(reply.substring(start, end));
                    start = end;
                }
            }

            @Override
            public String next(Duration timeout) {
                try {
                    return inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }

            @Override
            public void close() {
                pushed.dispose();
                requester.dispose();
            }
        };
    }
}
