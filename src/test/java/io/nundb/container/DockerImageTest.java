package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import io.nundb.testing.LineClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Starts the real image (built from the Dockerfile, or the tag in NUNDB_IMAGE that .ci/run builds),
 * waits for readiness, talks to it over TCP, WebSocket and HTTP, then starts a fresh container on the
 * same data volume and finds the data there. Skipped, with the reason, where no Docker engine runs.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DockerImageTest {

    private static final String PWD = "container-pwd";
    private static final int WS = 3012;
    private static final int HTTP = 3013;
    private static final int TCP = 3014;

    private String image;
    private String volume;

    /**
     * Assumptions here, not in a {@code @BeforeAll}: a failed class-level assumption shows in
     * Surefire as "Tests run: 0", a method-level one as a skipped test with its reason.
     */
    @BeforeEach
    void image() {
        assumeTrue(
                DockerClientFactory.instance().isDockerAvailable(),
                "No Docker engine reachable: container test skipped. Start one with docker/start-dockerd.sh "
                        + "(or run .ci/run), then re-run.");
        String tag = System.getenv("NUNDB_IMAGE");
        if (tag != null && !tag.isBlank()) {
            image = tag;
        } else {
            Path jar = builtJar();
            assumeTrue(
                    jar != null,
                    "No image to test: set NUNDB_IMAGE to a built tag, or run ./mvnw package first so the "
                            + "Dockerfile finds target/nundb-jvm-*.jar.");
            // The project directory is the build context; .dockerignore lets only the jar in.
            image = new ImageFromDockerfile("nundb-jvm-test", false)
                    .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
                    .get();
        }
        volume = "nundb-test-" + UUID.randomUUID();
        DockerClientFactory.instance()
                .client()
                .createVolumeCmd()
                .withName(volume)
                .exec();
    }

    @AfterEach
    void dropVolume() {
        if (volume != null) {
            DockerClientFactory.instance().client().removeVolumeCmd(volume).exec();
        }
    }

    @Test
    void servesTcpWebSocketAndHttpAndKeepsDataAcrossRestart() throws Exception {
        try (GenericContainer<?> first = node()) {
            first.start();
            assertThat(http(first, "/actuator/health/readiness").statusCode()).isEqualTo(200);

            try (LineClient tcp = new LineClient(first.getHost(), first.getMappedPort(TCP))) {
                assertThat(tcp.call("auth nun " + PWD)).contains("valid auth");
                assertThat(tcp.call("create-db box box-token")).contains("create-db success");
                assertThat(tcp.call("use-db box box-token")).last().isEqualTo("ok ");
                assertThat(tcp.call("set greeting hello")).last().isEqualTo("ok ");
                assertThat(tcp.call("get greeting")).contains("value hello");
            }

            BlockingQueue<String> frames = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(
                            URI.create("ws://" + first.getHost() + ":" + first.getMappedPort(WS) + "/"),
                            new Collector(frames))
                    .get(30, TimeUnit.SECONDS);
            ws.sendText("use-db box box-token", true).get(10, TimeUnit.SECONDS);
            assertThat(nextFinal(frames)).isEqualTo("ok \n");
            ws.sendText("set from-ws 42", true).get(10, TimeUnit.SECONDS);
            assertThat(nextFinal(frames)).isEqualTo("ok \n");
            ws.sendText("get greeting", true).get(10, TimeUnit.SECONDS);
            assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("value hello\n");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

            // The image's HEALTHCHECK (the static probe, every 10 s) reports the node healthy.
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> "healthy"
                            .equals(DockerClientFactory.instance()
                                    .client()
                                    .inspectContainerCmd(first.getContainerId())
                                    .exec()
                                    .getState()
                                    .getHealth()
                                    .getStatus()));

            String metrics = http(first, "/actuator/prometheus").body();
            assertThat(metrics).contains("nundb_commands_seconds_count").contains("nundb_connections_open");
            first.stop();
        }

        try (GenericContainer<?> second = node()) {
            second.start();
            try (LineClient tcp = new LineClient(second.getHost(), second.getMappedPort(TCP))) {
                assertThat(tcp.call("use-db box box-token")).last().isEqualTo("ok ");
                assertThat(tcp.call("get greeting")).contains("value hello");
                assertThat(tcp.call("get from-ws")).contains("value 42");
            }
        }
    }

    private GenericContainer<?> node() {
        return new GenericContainer<>(image)
                .withEnv("NUN_PWD", PWD)
                .withExposedPorts(WS, HTTP, TCP)
                // Publish on the loopback interface only (the default would be 0.0.0.0).
                .withCreateContainerCmdModifier(cmd -> {
                    List<PortBinding> bindings = new ArrayList<>();
                    for (int port : new int[] {WS, HTTP, TCP}) {
                        bindings.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), new ExposedPort(port)));
                    }
                    cmd.getHostConfig().withPortBindings(bindings).withBinds(new Bind(volume, new Volume("/data")));
                })
                .waitingFor(Wait.forHttp("/actuator/health/readiness")
                        .forPort(HTTP)
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(4)));
    }

    private static HttpResponse<String> http(GenericContainer<?> c, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + c.getHost() + ":" + c.getMappedPort(HTTP) + path))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Frames until a final reply ({@code ok } or {@code error …}); returns the final one. */
    private static String nextFinal(BlockingQueue<String> frames) throws InterruptedException {
        while (true) {
            String f = frames.poll(10, TimeUnit.SECONDS);
            assertThat(f).as("a WebSocket reply within 10 s").isNotNull();
            if (f.equals("ok \n") || f.startsWith("error ")) {
                return f;
            }
        }
    }

    private static Path builtJar() {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "nundb-jvm-*.jar")) {
            for (Path p : jars) {
                return p;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Collects whole text frames (the JDK may hand a frame over in parts). */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> frames;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> frames) {
            this.frames = frames;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
