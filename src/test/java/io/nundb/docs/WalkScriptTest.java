package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link WalkScript}: the walked blocks' commands stay as written; only what a reader does between them is added. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WalkScriptTest {

    @Test
    void foregroundServersAreStartedAndWaitedForWithTheirHttpPort() {
        assertThat(WalkScript.wrap("./mvnw spring-boot:run     # start the server"))
                .isEqualTo("__walk_foreground './mvnw spring-boot:run     # start the server' 3013");
        assertThat(WalkScript.wrap("NUN_USER=nun NUN_PWD=nun-pwd ./mvnw spring-boot:run"))
                .isEqualTo("__walk_foreground 'NUN_USER=nun NUN_PWD=nun-pwd ./mvnw spring-boot:run' 3013 'nun-pwd'");
        assertThat(WalkScript.wrap("target/nun-db -u nun -p nun-pwd start --http-address 0.0.0.0:4013"))
                .endsWith(" 4013 'nun-pwd'");
        assertThat(WalkScript.serves("target/nun-db -u nun -p nun-pwd exec \"list-commands\""))
                .isFalse();
        assertThat(WalkScript.serves("ops/local-cluster.sh start")).isFalse();
        assertThat(WalkScript.serves("./mvnw -B package -DskipTests")).isFalse();
    }

    @Test
    void detachedContainersAreWaitedForUntilHealthyAndPingedWhereTheHttpDoorIsPublished() {
        assertThat(WalkScript.wrap(
                        "docker run -d -e NUN_PWD=nun-pwd -v nundb-data:/data -p 3012-3015:3012-3015 nundb-jvm"))
                .startsWith("__walk_detached 'docker run -d ")
                .endsWith("' 3013");
        assertThat(WalkScript.hostHttpPort(
                        "docker run -d --name nd \\\n  -e NUN_PWD=nun-pwd -p 127.0.0.1:23013:3013 nundb-jvm"))
                .isEqualTo("23013");
        assertThat(WalkScript.hostHttpPort("docker run -d -p 127.0.0.1:3012:3012 -p 127.0.0.1:3013:3013 nundb-jvm"))
                .isEqualTo("3013");
        assertThat(WalkScript.hostHttpPort("docker run -d -p 4014:3014 nundb-jvm"))
                .isEqualTo("none");
        assertThat(WalkScript.wrap("docker run --rm --network host nundb-jvm -u nun -p nun-pwd exec \"list-commands\""))
                .isEqualTo("docker run --rm --network host nundb-jvm -u nun -p nun-pwd exec \"list-commands\"");
    }

    @Test
    void statusCommandsArePolledAndOtherCommandsRunAsWritten() {
        assertThat(WalkScript.wrap("docker-compose ps                  # each \"Up (healthy)\""))
                .startsWith("__walk_until_healthy 'docker-compose ps");
        assertThat(WalkScript.wrap("docker inspect --format '{{.State.Health.Status}}' nd      # healthy after ~27 s"))
                .isEqualTo("__walk_until_healthy 'docker inspect --format '\\''{{.State.Health.Status}}'\\'' nd"
                        + "      # healthy after ~27 s'");
        assertThat(WalkScript.wrap("./mvnw -B verify           # build and run every test"))
                .startsWith("__walk_run_by_ci ");
        assertThat(WalkScript.wrap("docker-compose --profile monitoring up -d"))
                .startsWith("__walk_with_registry_images ");
        assertThat(WalkScript.wrap("docker rm -f nundb")).isEqualTo("docker rm -f nundb");
        assertThat(WalkScript.commands(List.of("docker run -d \\", "  -p 1:1 x", "", "echo hi")))
                .containsExactly("docker run -d \\\n  -p 1:1 x", "echo hi");
    }

    @Test
    void everyWalkedBlockIsInItsScriptAsWritten() throws Exception {
        for (WalkedBlocks.Walk walk : WalkedBlocks.LIST) {
            MarkdownBlocks.Block block = walk.block();
            String script = WalkScript.of(block.lines());
            for (String command : WalkScript.commands(block.lines())) {
                assertThat(script).as(walk.toString()).containsAnyOf(command, WalkScript.quote(command));
            }
        }
    }

    /** The prelude's helpers, run by bash: a quoted command runs as written, state carries over. */
    @Test
    void theScriptRunsItsCommandsInOneShell(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s.sh");
        Files.writeString(
                script,
                WalkScript.of(List.of(
                        "export GREETING=hi   # a comment",
                        "docker inspect --format '{{.State.Health.Status}}' x",
                        "./mvnw -B verify")),
                StandardCharsets.UTF_8);
        Path fakeDocker = dir.resolve("bin/docker");
        Files.createDirectories(fakeDocker.getParent());
        // a container that turns healthy on the second look, and prints the shell's variable
        Files.writeString(
                fakeDocker,
                "#!/bin/sh\nif [ -f " + dir + "/seen ]; then echo \"healthy $GREETING\"; else touch " + dir
                        + "/seen; echo starting; fi\n");
        fakeDocker.toFile().setExecutable(true);
        ProcessBuilder b = new ProcessBuilder("bash", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true);
        b.environment().put("PATH", fakeDocker.getParent() + ":" + System.getenv("PATH"));
        b.environment().put("WALK_LOGS", dir.toString());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("healthy hi").contains("not run inside itself: ./mvnw -B verify");
    }
}
