package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.testing.NodeScripts;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The official JavaScript client ({@code nun-db}, pinned in {@code src/test/js/package.json}),
 * unchanged, against the server over WebSocket. Needs Node and the packages Maven installs with
 * {@code npm ci} in {@code src/test/js}; without Node it reports itself skipped with the reason.
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
@Timeout(value = 120, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class NpmClientEndToEndTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    WsServer server;

    @Test
    void theNpmClientWorksUnchanged() throws Exception {
        NodeScripts.assumeReady();
        String url = "ws://127.0.0.1:" + server.port();
        try (WsTestClient admin = new WsTestClient(url)) {
            assertThat(admin.call("auth nun nun-pwd", 2)).containsExactly("valid auth\n", "ok \n");
            assertThat(admin.call("create-db e2e e2e-token", 2)).containsExactly("create-db success\n", "ok \n");
            assertThat(admin.call("use-db e2e e2e-token", 1)).containsExactly("ok \n");
            assertThat(admin.call("create-user client client-pwd", 1)).containsExactly("ok \n");
            assertThat(admin.call("set-permissions client r *|rwx client-*", 1)).containsExactly("ok \n");
        }

        NodeScripts.Result node = NodeScripts.run(dir, 90, "e2e.js", url, "e2e", "e2e-token", "client", "client-pwd");
        String out = node.output();
        assertThat(node.finished()).as("node finished in time; output:\n" + out).isTrue();
        assertThat(node.exitCode()).as("node exit code; output:\n" + out).isZero();
        assertThat(out)
                .contains("PASS token connect, set and get")
                .contains("PASS watch from a second client")
                .contains("PASS increment")
                .contains("PASS remove")
                .contains("PASS keys with patterns")
                .contains("PASS db user connects, writes where allowed, is denied elsewhere")
                .contains("PASS wrong token is rejected")
                .contains("ALL PASSED");
    }
}
