package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The official JavaScript client ({@code nun-db}, pinned in {@code src/test/js/package.json}),
 * unchanged, against the server over WebSocket. Needs Node and {@code npm ci} in {@code src/test/js}
 * (done by {@code .ci/run}); without them this test fails rather than skips.
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
class NpmClientEndToEndTest {

    static final Path JS_DIR = Path.of("src/test/js");

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
        assertThat(JS_DIR.resolve("node_modules/nun-db/index.js"))
                .as("the nun-db npm package: run 'npm ci' in src/test/js (.ci/run does)")
                .exists();
        String url = "ws://127.0.0.1:" + server.port();
        try (WsTestClient admin = new WsTestClient(url)) {
            assertThat(admin.call("auth nun nun-pwd", 2)).containsExactly("valid auth\n", "ok \n");
            assertThat(admin.call("create-db e2e e2e-token", 2)).containsExactly("create-db success\n", "ok \n");
            assertThat(admin.call("use-db e2e e2e-token", 1)).containsExactly("ok \n");
            assertThat(admin.call("create-user client client-pwd", 1)).containsExactly("ok \n");
            assertThat(admin.call("set-permissions client r *|rwx client-*", 1)).containsExactly("ok \n");
        }

        File output = dir.resolve("node-output.txt").toFile();
        Process node;
        try {
            node = new ProcessBuilder("node", "e2e.js", url, "e2e", "e2e-token", "client", "client-pwd")
                    .directory(JS_DIR.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("node is required for this test (Node 20): " + e.getMessage(), e);
        }
        boolean finished = node.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(output.toPath(), StandardCharsets.UTF_8);
        assertThat(finished).as("node finished in time; output:\n" + out).isTrue();
        assertThat(node.exitValue()).as("node exit code; output:\n" + out).isZero();
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
