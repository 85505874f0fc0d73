package io.nundb.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A keep-alive HTTP client gets an answer to every request, one after the other on one connection.
 * Found by FuzzHarnessTest ("rest gave no reply"): an answer completed on another thread (a secret
 * check) let the client's next request arrive before reactor-netty had finished the previous one,
 * and when that next one was answered at once the connection was never read again
 * ({@link ReadAfterResponse}). Without the fix a wrong token hung by the fifth request.
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
@DirtiesContext
class KeepAliveRepliesTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void database() throws IOException {
        try (Socket s = connect()) {
            String body = "auth nun nun-pwd; create-db keep tok";
            send(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(readResponse(new BufferedInputStream(s.getInputStream())))
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void everyRequestOnOneConnectionIsAnsweredWhenTheTokenIsWrong() throws IOException {
        try (Socket s = connect()) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 100; i++) {
                send(s, "GET /api/v1/dbs/keep/keys/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n");
                assertThat(readResponse(in)).as("answer %d", i).startsWith("HTTP/1.1 401");
            }
        }
    }

    @Test
    void aClientMixingWritesReadsAndErrorsOnKeepAliveGetsEveryAnswer() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String[] paths = {"/api/v1/dbs/keep/keys/a", "/api/v1/dbs/keep/keys?pattern=a", "/api/v1/dbs/ghost/keys/a"};
        String[] methods = {"GET", "PUT", "DELETE", "GET"};
        String[] tokens = {"tok", "wrong"};
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 300; i++) {
            String method = methods[random.nextInt(methods.length)];
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + paths[random.nextInt(paths.length)]))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + tokens[random.nextInt(tokens.length)])
                    .method(
                            method,
                            method.equals("PUT")
                                    ? HttpRequest.BodyPublishers.ofString("v" + i)
                                    : HttpRequest.BodyPublishers.noBody())
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d: %s", i, request).isBetween(200, 499);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void send(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The status line of one whole response (its body read by Content-Length). */
    private static String readResponse(InputStream in) throws IOException {
        String status = readLine(in);
        int length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(
                        line.substring("content-length:".length()).trim());
            }
        }
        in.readNBytes(length);
        return status;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
