package io.nundb.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.CommandParser;
import io.nundb.transport.ProtocolClient;
import io.nundb.transport.ProtocolContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The protocol contract over HTTP ({@code POST /}), where each request is a fresh session. The
 * client replays the connection's successful {@code auth}/{@code use-db} in front of every command
 * and turns the command's strictly paired piece (compatibility B.5) back into protocol messages:
 * {@code empty} is {@code ok}, a message is that message and {@code ok}, an error text is {@code
 * error <text>} (after its pushed copy for no-db-selected and permission denied). Watching needs a
 * lasting connection, so those tests are skipped.
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
class HttpProtocolContractTest extends ProtocolContract {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dbsDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nundb.dbs-dir", () -> dbsDir.toString());
    }

    @LocalServerPort
    int port;

    @Override
    protected boolean supportsWatch() {
        return false;
    }

    String post(String body) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** HTTP skips empty pieces, so a blank body has no command and answers an empty body. */
    @Test
    @Override
    public void emptyCommand() {
        assertThat(post("")).isEqualTo("");
        assertThat(post(" ; ")).isEqualTo("");
    }

    @Override
    protected ProtocolClient openClient() {
        return new ProtocolClient() {
            private final List<String> login = new ArrayList<>();
            private final List<String> loginPieces = new ArrayList<>();
            private final ArrayDeque<String> inbox = new ArrayDeque<>();

            @Override
            public void send(String command) {
                // After a ';' only a known command name starts a new command (B.4), so an unknown
                // one would be glued onto the login's token: it needs no session, send it alone.
                String word = command.strip().split(" ", 2)[0];
                boolean alone = login.isEmpty() || !CommandParser.isCommandName(word);
                List<String> body = new ArrayList<>(alone ? List.of() : login);
                body.add(command);
                String reply = post(String.join("; ", body));
                String prefix = String.join(";", loginPieces);
                String piece = alone ? reply : reply.substring(prefix.length() + 1);
                translate(piece);
                boolean ok = piece.equals("empty") || piece.equals("valid auth\n");
                if (ok
                        && (command.startsWith("auth ")
                                || command.startsWith("use-db ")
                                || command.startsWith("use "))) {
                    if (!command.startsWith("auth ")) {
                        // a later use-db replaces the earlier one
                        for (int i = login.size() - 1; i >= 0; i--) {
                            if (!login.get(i).startsWith("auth ")) {
                                login.remove(i);
                                loginPieces.remove(i);
                            }
                        }
                    }
                    login.add(command);
                    loginPieces.add(piece);
                }
            }

            private void translate(String piece) {
                if (piece.equals("empty")) {
                    inbox.add("ok \n");
                } else if (piece.equals("error no-db-selected\n") || piece.equals("permission denied\n")) {
                    inbox.add(piece);
                    inbox.add("error " + piece + " \n");
                } else if (piece.endsWith("\n")) {
                    inbox.add(piece);
                    inbox.add("ok \n");
                } else {
                    inbox.add("error " + piece + " \n");
                }
            }

            @Override
            public String next(Duration timeout) {
                return inbox.poll();
            }

            @Override
            public void close() {}
        };
    }
}
