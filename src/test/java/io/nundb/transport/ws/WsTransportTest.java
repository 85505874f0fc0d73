package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            "nundb.max-line-length=4096"
        })
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class WsTransportTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    WsServer server;

    static int dbCounter;
    String db;

    String url() {
        return "ws://127.0.0.1:" + server.port() + "/any/path";
    }

    @BeforeEach
    void createDb() {
        db = "wsdb" + (++dbCounter);
        try (WsTestClient admin = new WsTestClient(url())) {
            assertThat(admin.call("auth nun nun-pwd", 2)).containsExactly("valid auth\n", "ok \n");
            assertThat(admin.call("create-db " + db + " tok", 2)).containsExactly("create-db success\n", "ok \n");
        }
    }

    WsTestClient connect() {
        WsTestClient c = new WsTestClient(url());
        assertThat(c.call("use-db " + db + " tok", 1)).containsExactly("ok \n");
        return c;
    }

    @Test
    void everyMessageIsItsOwnFrameAndEachCommandEndsWithOneFinalReply() {
        try (WsTestClient c = connect()) {
            assertThat(c.call("set name mary", 1)).containsExactly("ok \n");
            assertThat(c.call("get-safe name", 2)).containsExactly("value-version 0 mary\n", "ok \n");
            assertThat(c.call("keys ", 2)).containsExactly("keys ,$connections,name\n", "ok \n");
            assertThat(c.call("nonsense here", 1)).containsExactly("error unknown command: nonsense \n");
        }
    }

    @Test
    void semicolonSplitsOnlyBeforeACommand() {
        try (WsTestClient c = connect()) {
            assertThat(c.call("set a x;y; get a;get a;", 5))
                    .containsExactly("ok \n", "value x;y\n", "ok \n", "value x;y\n", "ok \n");
            assertThat(c.hasPending()).isFalse();
        }
    }

    @Test
    void repliesKeepCommandOrderWhenWritesAndReadsArePipelined() {
        try (WsTestClient c = connect()) {
            StringBuilder frame = new StringBuilder();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                frame.append("set k").append(i).append(" v").append(i).append(";");
                frame.append("get k").append(i).append(";");
                expected.add("ok \n");
                expected.add("value v" + i + "\n");
                expected.add("ok \n");
            }
            assertThat(c.call(frame.toString(), expected.size())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aWatcherOnAnotherConnectionGetsBothChangeFramesAndRemoves() {
        try (WsTestClient watcher = connect();
                WsTestClient writer = connect()) {
            assertThat(watcher.call("watch color", 1)).containsExactly("ok \n");
            assertThat(writer.call("set color red", 1)).containsExactly("ok \n");
            assertThat(watcher.next(2)).containsExactly("changed color red\n", "changed-version color 0 red\n");
            assertThat(writer.call("remove color", 1)).containsExactly("ok \n");
            assertThat(watcher.next()).isEqualTo("removed color\n");
        }
    }

    @Test
    void binaryAndOversizedFramesGetAnErrorAndTheConnectionSurvives() {
        try (WsTestClient c = connect()) {
            c.sendBinary(new byte[] {1, 2, 3});
            assertThat(c.next()).isEqualTo("error " + WsConnection.BINARY_FRAME + " \n");
            c.send("set big " + "x".repeat(5000));
            assertThat(c.next()).startsWith("error frame too large: ");
            assertThat(c.call("set a 1;get a", 3)).containsExactly("ok \n", "value 1\n", "ok \n");
        }
    }

    @Test
    void aFramePastTheHardLimitClosesOnlyThatConnection() {
        try (WsTestClient bystander = connect();
                WsTestClient c = connect()) {
            c.send("set huge " + "x".repeat(40_000));
            assertThat(c.closed()).succeedsWithin(Duration.ofSeconds(5));
            assertThat(bystander.call("set still alive", 1)).containsExactly("ok \n");
            try (WsTestClient fresh = connect()) {
                assertThat(fresh.call("get still", 2)).containsExactly("value alive\n", "ok \n");
            }
        }
    }

    @Test
    void closingAConnectionCountsItOutOfTheDatabase() {
        try (WsTestClient observer = connect()) {
            WsTestClient leaving = connect();
            assertThat(observer.call("get $connections", 2)).containsExactly("value 2\n", "ok \n");
            leaving.close();
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() ->
                            assertThat(observer.call("get $connections", 2)).containsExactly("value 1\n", "ok \n"));
        }
    }

    @Test
    void noDbSelectedIsPushedThenReportedAsTheClientsExpect() {
        try (WsTestClient c = new WsTestClient(url())) {
            assertThat(c.call("get a", 2)).containsExactly("error no-db-selected\n", "error error no-db-selected\n \n");
            assertThat(c.call("use-db " + db + " wrong", 1)).containsExactly("error Invalid token \n");
        }
    }
}
