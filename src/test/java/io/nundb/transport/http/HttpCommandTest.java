package io.nundb.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            "nundb.limits.outbox-max-bytes=4000000"
        })
@AutoConfigureWebTestClient
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class HttpCommandTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    WebTestClient http;

    String post(String body) {
        return http.post()
                .uri("/")
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void commandsRunInOrderOnAFreshSessionAndEachPiecePairsWithItsCommand() {
        assertThat(post("auth nun nun-pwd; create-db httpdb t1")).isEqualTo("valid auth\n;create-db success\n");
        assertThat(post("use-db httpdb t1; set a 1;y; get a")).isEqualTo("empty;empty;value 1;y\n");
        // The session does not outlive the request.
        assertThat(post("get a")).isEqualTo("error no-db-selected\n");
    }

    @Test
    void aHeaderCountsTheCommandsThatFailed() {
        for (String[] c : new String[][] {
            {"auth nun nun-pwd; create-db hdr t", "0"},
            {"use-db hdr t; set a 1; get a", "0"},
            {"use-db nope t; get a", "2"},
            {"use-db hdr t; set a 2; set-safe a 0 x; get a", "1"}
        }) {
            http.post()
                    .uri("/")
                    .contentType(MediaType.TEXT_PLAIN)
                    .bodyValue(c[0])
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .valueEquals(HttpCommandController.FAILED_HEADER, c[1]);
        }
    }

    @Test
    void aBodyAskingForMoreReplyThanTheLimitIsCutShortWithAnErrorAndRunsNothingMore() {
        post("auth nun nun-pwd; create-db bigreply t1");
        String value = "v".repeat(300_000);
        assertThat(post("use-db bigreply t1; set k " + value)).isEqualTo("empty;empty");
        String body = "use-db bigreply t1" + "; get k".repeat(1_500) + "; set after 1";
        String reply = post(body);
        String[] pieces = reply.split(";");
        // 4,000,000 (each char counted twice) hold six 300 KB values: the seventh get ends the reply.
        assertThat(pieces).hasSize(1 + 7);
        assertThat(pieces[7]).startsWith("error reply too large");
        assertThat(reply.length()).isLessThan(2_000_200);
        assertThat(post("use-db bigreply t1; get after")).isEqualTo("empty;value <Empty>\n");
    }

    @Test
    void aCommandAboveTheValueLimitIsRefusedLikeOnTcp() {
        post("auth nun nun-pwd; create-db linelimit t1");
        String reply = post("use-db linelimit t1; set big " + "b".repeat(1_100_000) + "; get big");
        assertThat(reply).isEqualTo("empty;error line too long (limit 1048576 bytes)\n;value <Empty>\n");
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedWholeAndNothingRuns() {
        post("auth nun nun-pwd; create-db utf t1");
        byte[] prefix = "use-db utf t1; set a 1; set b ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = java.util.Arrays.copyOf(prefix, prefix.length + 2);
        body[prefix.length] = (byte) 0xC3; // a lead byte followed by one that cannot continue it
        body[prefix.length + 1] = (byte) 0x28;
        String reply = http.post()
                .uri("/")
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(reply).isEqualTo("error invalid UTF-8: nothing was run\n");
        assertThat(post("use-db utf t1; get a")).isEqualTo("empty;value <Empty>\n");
    }

    @Test
    void aFormEncodedBodyAsCurlDashDSendsItIsReadAsCommands() {
        String reply = http.post()
                .uri("/")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("auth nun nun-pwd; create-db formdb t; use-db formdb t; set a x=1&y=2; get a")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(reply).isEqualTo("valid auth\n;create-db success\n;empty;empty;value x=1&y=2\n");
    }

    @Test
    void errorsArePairedStrictlyWithNoLeftoverMessage() {
        post("auth nun nun-pwd; create-db httpdb2 t2");
        // NunDB's FIFO pairing would shift the pushed error copy onto "get-safe"; we do not.
        assertThat(post("get x; use-db httpdb2 t2; get-safe x; use-db nosuch t"))
                .isEqualTo("error no-db-selected\n;empty;value-version 1 <Empty>\n;Not a valid database name");
    }
}
