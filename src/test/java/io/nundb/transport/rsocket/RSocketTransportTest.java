package io.nundb.transport.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.transport.stream.StreamEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
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

    RSocketRequester connect(String login) {
        RSocketRequester.Builder b = builder;
        if (login != null) {
            b = b.setupMetadata(login, RSocketLogin.MIME_TYPE);
        }
        return b.tcp("127.0.0.1", port);
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
        RSocketRequester watcher = connect("use-db " + db + " tok");
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
}
