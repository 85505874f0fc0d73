package io.nundb.transport.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
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
// 30 s, not 5: a loaded CI machine (2 cores) answers slowly, and the tests must not depend on speed.
@AutoConfigureWebTestClient(timeout = "30s")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class RestApiTest {

    static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE =
            new ParameterizedTypeReference<>() {};

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    WebTestClient http;

    static int counter;
    String db;

    @BeforeEach
    void createDb() {
        db = "rest" + (++counter);
        http.post()
                .uri("/api/v1/dbs")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", db, "token", "tok"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo(db)
                .jsonPath("$.strategy")
                .isEqualTo("none");
    }

    WebTestClient.RequestHeadersSpec<?> put(String key, String value) {
        return http.put()
                .uri("/api/v1/dbs/{db}/keys/{key}", db, key)
                .headers(h -> h.setBearerAuth("tok"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED) // what curl --data-binary sends
                .bodyValue(value);
    }

    @Test
    void aDatabaseNameThatIsNoUriStillGetsAnEncodedLocation() {
        // found by FuzzHarnessTest: a valid name with % or { made the Location header throw (500)
        String name = "fz%zz{x}\"" + (++counter);
        http.post()
                .uri("/api/v1/dbs")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "token", "tok"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("Location", "/api/v1/dbs/fz%25zz%7Bx%7D%22" + counter)
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo(name);
    }

    @Test
    void adminRoutesNeedTheAdmin() {
        http.get()
                .uri("/api/v1/dbs")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.dbs[?(@.name == '" + db + "')].strategy")
                .isEqualTo("none");
        http.get()
                .uri("/api/v1/dbs")
                .headers(h -> h.setBasicAuth("nun", "wrong"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                // a wrong admin password: NunDB answers it on an ok line, the API with 401
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("INVALID_AUTH");
        http.post()
                .uri("/api/v1/dbs")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", db, "token", "tok"))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("database already exists");
    }

    /**
     * A write (answered off the event loop, once stored), then reads (answered on it at once), on
     * one kept-alive connection: with Reactor Netty 1.3.6 a read that arrived before the write's
     * exchange had ended was queued, and after it the connection was never read again
     * (reactor/reactor-netty#4361), so the next request hung until the client gave up. The queueing
     * needs that timing, hence many rounds.
     */
    @Test
    void everyRequestOnAKeptAliveConnectionIsAnsweredAfterWritesAndReads() {
        WebTestClient client =
                http.mutate().responseTimeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 300; i++) {
            client.put()
                    .uri("/api/v1/dbs/{db}/keys/k", db)
                    .headers(h -> h.setBearerAuth("tok"))
                    .contentType(MediaType.TEXT_PLAIN)
                    .bodyValue("v" + i)
                    .exchange()
                    .expectStatus()
                    .isOk();
            for (int r = 0; r < 2; r++) {
                found(client, "k").jsonPath("$.value").isEqualTo("v" + i);
            }
        }
    }

    /** The body of a 200 answer to a get of {@code key} with the db's token. */
    WebTestClient.BodyContentSpec found(WebTestClient client, String key) {
        return client.get()
                .uri("/api/v1/dbs/{db}/keys/{key}", db, key)
                .headers(h -> h.setBearerAuth("tok"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody();
    }

    @Test
    void putGetIncrementListAndDeleteKeys() {
        put("greeting", "hello world; bye")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"0\"");
        found(http, "greeting")
                .jsonPath("$.value")
                .isEqualTo("hello world; bye")
                .jsonPath("$.version")
                .isEqualTo(0);
        http.post()
                .uri("/api/v1/dbs/{db}/keys/hits/increment?by=5", db)
                .headers(h -> h.setBearerAuth("tok"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.value")
                .isEqualTo("5");
        http.get()
                .uri("/api/v1/dbs/{db}/keys?pattern=gr*", db)
                .headers(h -> h.setBearerAuth("tok"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.keys")
                .isEqualTo(List.of("greeting"));
        http.delete()
                .uri("/api/v1/dbs/{db}/keys/greeting", db)
                .headers(h -> h.setBearerAuth("tok"))
                .exchange()
                .expectStatus()
                .isNoContent();
        http.get()
                .uri("/api/v1/dbs/{db}/keys/greeting", db)
                .headers(h -> h.setBearerAuth("tok"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void versionedWritesRejectAStaleIfMatch() {
        put("doc", "v0").exchange().expectStatus().isOk();
        put("doc", "v1")
                .header("If-Match", "\"0\"")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"1\"");
        put("doc", "stale")
                .header("If-Match", "\"0\"")
                .exchange()
                .expectStatus()
                .isEqualTo(412)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(412)
                .jsonPath("$.code")
                .isEqualTo("VERSION_CONFLICT")
                .jsonPath("$.detail")
                .isEqualTo("Invalid version!");
    }

    @Test
    void aNegativeIfMatchIsRefusedAndDoesNotLockTheKey() {
        put("locked", "v0").exchange().expectStatus().isOk();
        put("locked", "x")
                .header("If-Match", "\"-2\"")
                .exchange()
                .expectStatus()
                .isBadRequest();
        put("locked", "x")
                .header("If-Match", "\"-1\"")
                .exchange()
                .expectStatus()
                .isBadRequest();
        put("locked", "v1").exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"1\"");
        // a versioned write reports the version actually stored
        put("locked", "v2")
                .header("If-Match", "\"1\"")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"2\"");
    }

    @Test
    void wrongTokenMissingAuthAndUnknownDbAreProblems() {
        http.get()
                .uri("/api/v1/dbs/{db}/keys/x", db)
                .headers(h -> h.setBearerAuth("nope"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("INVALID_AUTH")
                .jsonPath("$.detail")
                .isEqualTo("Invalid token");
        http.get().uri("/api/v1/dbs/{db}/keys/x", db).exchange().expectStatus().isUnauthorized();
        http.get()
                .uri("/api/v1/dbs/nosuchdb/keys/x")
                .headers(h -> h.setBearerAuth("tok"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("NOT_FOUND");
        // an invalid name to create is a bad request, not a missing database
        http.post()
                .uri("/api/v1/dbs")
                .headers(h -> h.setBasicAuth("nun", "nun-pwd"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "bad/name", "token", "tok"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("BAD_REQUEST");
    }

    @Test
    void dbUsersAuthenticateWithBasicAndPermissionsApply() {
        http.post()
                .uri("/")
                .bodyValue("auth nun nun-pwd; use-db " + db + " tok; create-user reader pw; set-permissions reader r *")
                .exchange()
                .expectBody(String.class)
                .isEqualTo("valid auth\n;empty;empty;empty");
        put("open", "1").exchange().expectStatus().isOk();
        http.get()
                .uri("/api/v1/dbs/{db}/keys/open", db)
                .headers(h -> h.setBasicAuth("reader", "pw"))
                .exchange()
                .expectStatus()
                .isOk();
        http.put()
                .uri("/api/v1/dbs/{db}/keys/open", db)
                .headers(h -> h.setBasicAuth("reader", "pw"))
                .bodyValue("2")
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    Flux<ServerSentEvent<Map<String, Object>>> watch(String query, String lastEventId) {
        return stream(query, h -> {
            h.setBearerAuth("tok");
            if (lastEventId != null) {
                h.set("Last-Event-ID", lastEventId);
            }
        });
    }

    /** The named events of {@code /watch?query} (not the comments), sent with {@code headers}. */
    Flux<ServerSentEvent<Map<String, Object>>> stream(String query, Consumer<HttpHeaders> headers) {
        return http.get()
                .uri("/api/v1/dbs/" + db + "/watch?" + query)
                .headers(headers)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(SSE)
                .getResponseBody()
                .filter(e -> e.event() != null);
    }

    @Test
    void sseStreamsChangesWithTheVersionAsIdAndTheCurrentValueFirst() {
        put("color", "red").exchange().expectStatus().isOk();
        StepVerifier.create(watch("key=color&current=true", null))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("current");
                    assertThat(e.id()).isEqualTo("0");
                    assertThat(e.data()).containsEntry("value", "red");
                })
                .then(() -> put("color", "blue").exchange().expectStatus().isOk())
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("change");
                    assertThat(e.id()).isEqualTo("1");
                    assertThat(e.data()).containsEntry("value", "blue").containsEntry("version", 1);
                })
                .then(() -> http.delete()
                        .uri("/api/v1/dbs/{db}/keys/color", db)
                        .headers(h -> h.setBearerAuth("tok"))
                        .exchange()
                        .expectStatus()
                        .isNoContent())
                .assertNext(e -> assertThat(e.event()).isEqualTo("remove"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void ssePrefixAndSeveralKeysUseKeyAndVersionIds() {
        StepVerifier.create(watch("key=user-*&key=total", null))
                .then(() -> {
                    put("user-1", "ann").exchange().expectStatus().isOk();
                    put("other", "x").exchange().expectStatus().isOk();
                    put("total", "1").exchange().expectStatus().isOk();
                })
                .assertNext(e -> assertThat(e.id()).isEqualTo("user-1:0"))
                .assertNext(e -> assertThat(e.id()).isEqualTo("total:0"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void lastEventIdResumesWithEveryMissedChange() {
        // a stream that saw "a" and went away: the database's history is kept for its resume window
        StepVerifier.create(watch("key=n", null))
                .then(() -> put("n", "a").exchange().expectStatus().isOk())
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "a"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        put("n", "b").exchange().expectStatus().isOk();
        put("n", "c").exchange().expectStatus().isOk();
        StepVerifier.create(watch("key=n", "0"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "b"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "c"))
                .then(() -> put("n", "d").exchange().expectStatus().isOk())
                .assertNext(e -> assertThat(e.id()).isEqualTo("3"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    String commands(String body) {
        return http.post()
                .uri("/")
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void sseDeliversEveryChangeEvenWhenTheVersionGoesBackwards() {
        StepVerifier.create(watch("key=back", null))
                .then(() -> commands("use-db " + db + " tok; set back a; set back b"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "a"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "b"))
                .then(() -> commands("use-db " + db + " tok; set-safe back -2 c"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "c"))
                .then(() -> commands("use-db " + db + " tok; remove back"))
                .assertNext(e -> assertThat(e.event()).isEqualTo("remove"))
                .then(() -> commands("use-db " + db + " tok; set back d"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "d"))
                .then(() -> commands("use-db " + db + " tok; set back e"))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "e"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void anUnknownResumePointGetsAnExplicitResync() {
        put("m", "a").exchange().expectStatus().isOk();
        put("m", "b").exchange().expectStatus().isOk();
        StepVerifier.create(watch("key=m", "99"))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("resync");
                    assertThat(e.data()).containsEntry("value", "b");
                    assertThat(e.id()).isEqualTo("1");
                })
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void sseAcceptsTheTokenAsAQueryParameterForEventSource() {
        put("q", "1").exchange().expectStatus().isOk();
        StepVerifier.create(stream("key=q&current=true&token=tok", h -> {}))
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "1"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void anSseStreamTheServerEndsGetsAnErrorEventWithTheProblemCode() {
        commands("auth nun nun-pwd; use-db " + db + " tok; create-user bob bob-pwd; set-permissions bob r *");
        StepVerifier.create(stream("key=k", h -> h.setBasicAuth("bob", "bob-pwd")))
                .then(() -> put("k", "1").exchange().expectStatus().isOk())
                .assertNext(e -> assertThat(e.data()).containsEntry("value", "1"))
                .then(() -> commands("auth nun nun-pwd; use-db " + db + " tok; set-permissions bob r other*; set k 2"))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("error");
                    assertThat(e.data()).containsOnlyKeys("code", "message");
                    // the code a REST problem detail carries for the same refusal (403)
                    assertThat(e.data()).containsEntry("code", "PERMISSION_DENIED");
                    assertThat(Problems.STATUS
                                    .get(io.nundb.protocol.ErrorCode.PERMISSION_DENIED)
                                    .value())
                            .isEqualTo(403);
                    assertThat((String) e.data().get("message")).startsWith("permission denied");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void sseWithAWrongTokenIsAProblem() {
        http.get()
                .uri("/api/v1/dbs/" + db + "/watch?key=a")
                .headers(h -> h.setBearerAuth("bad"))
                .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }
}
