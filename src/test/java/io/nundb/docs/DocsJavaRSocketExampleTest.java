package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.rsocket.RSocketRequester;
import reactor.test.StepVerifier;

/**
 * Runs docs/transports.md's Java RSocket example ({@link RSocketJavaExample}, shown in the doc as it
 * is: {@code DocsExamplesTest}) against a {@link DocServer} on port 0, with the builder Spring Boot
 * injects, and checks the replies and events its comments show.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DocsJavaRSocketExampleTest {

    @Test
    void theJavaExampleSetsGetsAndWatchesAKeyChangedByAnotherClient(@TempDir Path dir) throws Exception {
        try (DocServer server = new DocServer(dir)) {
            createDemoDb(server);
            RSocketJavaExample example = connect(server);
            RSocketJavaExample other = connect(server);
            try {
                assertThat(example.set("greeting", "hello")).isEqualTo("{\"ok\":true}");
                assertThat(example.get("greeting"))
                        .isEqualTo("{\"ok\":true,\"key\":\"greeting\",\"version\":0,\"value\":\"hello\"}");
                StepVerifier.create(example.watch("greeting"))
                        .expectNext(new RSocketJavaExample.Event("current", "greeting", 0, "hello", "0", null))
                        .then(() -> assertThat(other.set("greeting", "hello from another client"))
                                .isEqualTo("{\"ok\":true}"))
                        .expectNext(new RSocketJavaExample.Event(
                                "change", "greeting", 1, "hello from another client", "1", null))
                        .thenCancel()
                        .verify(Duration.ofSeconds(30));
            } finally {
                example.close();
                other.close();
            }
        }
    }

    private static RSocketJavaExample connect(DocServer server) {
        return new RSocketJavaExample(server.bean(RSocketRequester.Builder.class), "127.0.0.1", server.port("3015"));
    }

    /** The docs' database {@code demo} with the token {@code demo-token}, made by the admin over REST. */
    private static void createDemoDb(DocServer server) throws Exception {
        String admin =
                Base64.getEncoder().encodeToString(("nun:" + DocServer.ADMIN_PWD).getBytes(StandardCharsets.UTF_8));
        HttpRequest create = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port("3013") + "/api/v1/dbs"))
                .header("Authorization", "Basic " + admin)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"demo\",\"token\":\"demo-token\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(create, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }
}
