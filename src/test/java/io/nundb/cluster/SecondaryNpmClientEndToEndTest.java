package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.testing.LineClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official JavaScript client ({@code nun-db}, pinned in {@code src/test/js/package.json}),
 * unchanged, over WebSocket against a secondary of a three-process cluster: first the whole
 * {@code e2e.js} run, then {@code e2e-failover.js}, whose sessions (a writer and a watcher) live
 * through a SIGKILL of the primary and must keep reading, writing and watching. Needs Node and
 * {@code npm ci} in {@code src/test/js} (done by {@code .ci/run}); without them it fails.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecondaryNpmClientEndToEndTest {

    static final Path JS_DIR = Path.of("src/test/js");

    @TempDir
    Path dir;

    @Test
    void theNpmClientWorksOnASecondaryAndThroughTheLossOfItsPrimary() throws Exception {
        assertThat(JS_DIR.resolve("node_modules/nun-db/index.js"))
                .as("the nun-db npm package: run 'npm ci' in src/test/js (.ci/run does)")
                .exists();
        try (ProcessCluster c = ProcessCluster.builder(dir.resolve("cluster"))
                .nodes(3)
                .clustered(true)
                .ack("majority")
                .startTimeout(Duration.ofSeconds(90))
                .build()) {
            c.startAll();
            for (int i = 0; i < 3; i++) {
                c.waitReady(i, Duration.ofSeconds(90));
            }
            int primary = ProcessClusterProbe.awaitPrimary(c, List.of(0, 1, 2), Duration.ofSeconds(20));
            int secondary = (primary + 1) % 3;
            ProcessClusterProbe.createDb(c, secondary, "e2e", "e2e-token");
            try (LineClient admin = ProcessClusterProbe.admin(c, secondary)) {
                assertThat(admin.call("use-db e2e e2e-token")).contains("ok ");
                assertThat(admin.call("create-user client client-pwd")).containsExactly("ok ");
                assertThat(admin.call("set-permissions client r *|rwx client-*"))
                        .containsExactly("ok ");
            }
            String url = "ws://127.0.0.1:" + c.node(secondary).wsPort();

            Path e2eOut = dir.resolve("e2e-output.txt");
            Process e2e = node(e2eOut, "e2e.js", url, "e2e", "e2e-token", "client", "client-pwd");
            String out = finish(e2e, e2eOut);
            assertThat(out)
                    .contains("PASS token connect, set and get")
                    .contains("PASS watch from a second client")
                    .contains("PASS increment")
                    .contains("PASS remove")
                    .contains("PASS keys with patterns")
                    .contains("PASS db user connects, writes where allowed, is denied elsewhere")
                    .contains("PASS wrong token is rejected")
                    .contains("ALL PASSED");

            Path failoverOut = dir.resolve("failover-output.txt");
            Process failover = node(failoverOut, "e2e-failover.js", url, "e2e", "e2e-token");
            await("the npm client's sessions are set up")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.readString(failoverOut).contains("READY") || !failover.isAlive());
            assertThat(Files.readString(failoverOut)).contains("READY");
            c.kill9(primary);
            // once the secondary has seen its primary's connection drop, a write it gets must wait
            // for the election rather than race the dying link
            String oldPrimary = c.node(primary).externalAddress();
            await("the secondary notices its primary is gone")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .ignoreExceptions()
                    .until(() -> {
                        try (LineClient admin = ProcessClusterProbe.admin(c, secondary)) {
                            return admin.call("cluster-state").get(0).contains(oldPrimary + "(Disconnected)");
                        }
                    });
            try (OutputStream stdin = failover.getOutputStream()) {
                stdin.write("KILLED\n".getBytes(StandardCharsets.UTF_8));
            }
            out = finish(failover, failoverOut);
            assertThat(out)
                    .contains("PASS reads on the secondary go on while its primary is gone")
                    .contains("PASS a write through the secondary reaches the new primary")
                    .contains("PASS the watch survives the failover")
                    .contains("PASS the same sessions keep writing")
                    .contains("ALL PASSED");
            int newPrimary = ProcessClusterProbe.awaitPrimary(
                    c, List.of(secondary, 3 - primary - secondary), Duration.ofSeconds(10));
            assertThat(newPrimary).isNotEqualTo(primary);
        }
    }

    private static Process node(Path output, String... args) {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                    .directory(JS_DIR.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("node is required for this test (Node 20): " + e.getMessage(), e);
        }
    }

    /** Waits for the script and checks it exited 0; returns its output. */
    private static String finish(Process p, Path output) throws Exception {
        boolean finished = p.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).as("node finished in time; output:\n" + out).isTrue();
        assertThat(p.exitValue()).as("node exit code; output:\n" + out).isZero();
        return out;
    }
}
