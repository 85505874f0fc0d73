package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DockerJvmFlagsTest {

    @Test
    void takesTheEntrypointsJvmOptionsUpToTheClassPathButNotTheLauncherSelection() {
        DockerJvmFlags f = DockerJvmFlags.parse("""
                FROM scratch
                # ENTRYPOINT ["ignored"]
                ENV NUN_USER=nun \\
                    JAVA_HOME=/opt/java
                ENTRYPOINT ["/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \\
                            "-Dloader.main=io.nundb.cli.NunDbCli", "-Dfile.encoding=UTF-8", "-cp", "/app", \\
                            "org.springframework.boot.loader.launch.PropertiesLauncher"]
                CMD ["start"]
                """);
        assertThat(f.flags())
                .containsExactly("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8");
        assertThat(f.javaToolOptions()).isNull();
    }

    @Test
    void readsJavaToolOptionsFromEnvInEitherForm() {
        String entry = "ENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n";
        assertThat(DockerJvmFlags.parse("ENV A=1 JAVA_TOOL_OPTIONS=\"-XX:+UseZGC -Xss512k\" B=2\n" + entry)
                        .javaToolOptions())
                .isEqualTo("-XX:+UseZGC -Xss512k");
        assertThat(DockerJvmFlags.parse("ENV JAVA_TOOL_OPTIONS -XX:+UseSerialGC\n" + entry)
                        .javaToolOptions())
                .isEqualTo("-XX:+UseSerialGC");
        assertThat(DockerJvmFlags.parse(entry).flags()).isEmpty();
    }

    @Test
    void refusesWhatItCannotReadRatherThanGuessing() {
        assertThatThrownBy(() -> DockerJvmFlags.parse("FROM scratch\n")).hasMessageContaining("no ENTRYPOINT");
        assertThatThrownBy(() -> DockerJvmFlags.parse("ENTRYPOINT java -Xmx1g -jar app.jar\n"))
                .hasMessageContaining("exec form");
        assertThatThrownBy(() -> DockerJvmFlags.parse("ENTRYPOINT [\"/bin/sh\", \"-c\", \"x\"]\n"))
                .hasMessageContaining("does not start java");
        assertThatThrownBy(() -> DockerJvmFlags.jsonArray("[\"a\", \"b]")).hasMessageContaining("unterminated");
    }

    @Test
    void theProjectsDockerfileYieldsItsFlags() throws Exception {
        DockerJvmFlags f = DockerJvmFlags.read(Path.of("Dockerfile"));
        assertThat(f.flags()).isNotEmpty().allMatch(flag -> flag.startsWith("-") && !flag.startsWith("-Dloader."));
    }
}
