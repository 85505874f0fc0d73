package io.nundb.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nundb.transport.tcp.TcpListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.RSocketStrategies;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * NUN_MAX_CONNECTIONS on the HTTP and RSocket doors (TCP and WebSocket have their own tests):
 * one more connection than the limit is refused with the reason, readiness stays up while a door
 * is full (probes are served past the HTTP limit; each door counts alone, so an admin still gets
 * in through another door), and the door serves again once connections close.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            "nundb.limits.max-connections=3",
            "nundb.limits.handshake-timeout=2s"
        })
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DirtiesContext
class ConnectionLimitsTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @LocalServerPort
    int httpPort;

    @Value("${local.rsocket.server.port}")
    int rsocketPort;

    @Autowired
    RSocketStrategies strategies;

    @Autowired
    TcpListener tcp;

    @Autowired
    HttpConnectionLimit httpLimit;

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final List<Socket> held = new ArrayList<>();

    @AfterEach
    void release() throws Exception {
        for (Socket s : held) {
            s.close();
        }
    }

    private Socket open(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(15_000);
        held.add(s);
        return s;
    }

    private static String exchange(Socket s, String request) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHttpDoorRefusesPastItsLimitButServesProbesAndServesAgainOnceConnectionsClose() throws Exception {
        // fill the door up to its limit (other tests' kept-alive connections may already count)
        List<Socket> idle = new ArrayList<>();
        while (httpLimit.connectionCount() < 3) {
            int before = httpLimit.connectionCount();
            idle.add(open(httpPort));
            await().atMost(Duration.ofSeconds(10)).until(() -> httpLimit.connectionCount() > before);
        }

        String refused = exchange(open(httpPort), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping");
        assertThat(refused).startsWith("HTTP/1.1 503").endsWith("error too many connections\n");

        String probe = exchange(open(httpPort), "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(probe).startsWith("HTTP/1.1 200");

        // a connection past the limit that sends nothing is closed after the handshake timeout
        Socket silent = open(httpPort);
        assertThat(silent.getInputStream().read()).isEqualTo(-1);

        for (Socket s : idle) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(post("auth nun nun-pwd").body()).isEqualTo("valid auth\n"));
    }

    @Test
    void theRSocketDoorRejectsTheSetupPastItsLimit() {
        List<RSocketRequester> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RSocketRequester r = connect();
                assertThat(call(r, "ping")).isEqualTo("pong\nok \n");
                clients.add(r);
            }
            RSocketRequester extra = connect();
            assertThatThrownBy(() -> call(extra, "ping")).hasMessageContaining("too many connections");
            extra.dispose();
            clients.remove(0).dispose();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                RSocketRequester again = connect();
                try {
                    assertThat(call(again, "ping")).isEqualTo("pong\nok \n");
                } finally {
                    again.dispose();
                }
            });
        } finally {
            clients.forEach(RSocketRequester::dispose);
        }
    }

    @Test
    void aFullTcpDoorLeavesReadinessAndTheAdminsHttpDoorWorking() throws Exception {
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            flood.add(open(tcp.port()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tcp.connectionCount() >= 3);
        Socket extra = open(tcp.port());
        assertThat(new BufferedReader(new InputStreamReader(extra.getInputStream(), StandardCharsets.UTF_8)).readLine())
                .isEqualTo("error too many connections");

        HttpResponse<String> ready = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(post("auth nun nun-pwd; create-db flooded t").body()).isEqualTo("valid auth\n;create-db success\n");
    }

    private RSocketRequester connect() {
        return RSocketRequester.builder().rsocketStrategies(strategies).tcp("127.0.0.1", rsocketPort);
    }

    private static String call(RSocketRequester r, String command) {
        return r.route("command").data(command).retrieveMono(String.class).block(Duration.ofSeconds(10));
    }
}
