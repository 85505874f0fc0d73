package io.nundb.fuzz;

import io.nundb.protocol.CommandSplitter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.RSocketStrategies;

/**
 * The doors as the refusal oracle drives them: one input at a time on a logged-in session, and a
 * reply that tells whether every command of the input was refused (no {@code ok} anywhere).
 */
final class OracleDoors {

    /** What one input got: its reply text, and whether nothing in it succeeded. */
    record Reply(String text, boolean allRefused) {}

    interface Door extends AutoCloseable {
        String name();

        /** Sends {@code input} (a command, a burst, or bytes that need not be UTF-8). */
        Reply send(byte[] input) throws Exception;

        /** The last requests this door sent and what came back, for the report of a failure. */
        default String recent() {
            return "";
        }

        @Override
        void close() throws Exception;
    }

    private OracleDoors() {}

    private static boolean anyOk(List<String> lines) {
        return lines.stream().anyMatch("ok "::equals);
    }

    /** TCP: one line per input, its reply ended by {@link TcpText}'s mark. */
    static Door tcp(int port, List<String> login) throws IOException {
        TcpText c = new TcpText(port);
        for (String l : login) {
            c.call(l);
        }
        return new Door() {
            public String name() {
                return "tcp";
            }

            public Reply send(byte[] input) throws IOException {
                byte[] line = Arrays.copyOf(input, input.length + 1);
                line[input.length] = '\n';
                List<String> lines = c.send(line);
                return new Reply(String.join("\n", lines), !anyOk(lines));
            }

            public void close() throws IOException {
                c.close();
            }
        };
    }

    /** WebSocket: one text frame per input, its reply ended by a marking frame's error. */
    static Door webSocket(int port, List<String> login) throws Exception {
        RawWs ws = new RawWs(port, 30_000);
        long[] marks = {0};
        Door door = new Door() {
            public String name() {
                return "ws";
            }

            public Reply send(byte[] input) throws IOException {
                String mark = "fz-mark-" + (++marks[0]);
                ws.frame(true, 0, RawWs.TEXT, input);
                ws.text(mark);
                String end = "error unknown command: " + mark + " \n";
                List<String> frames = new ArrayList<>();
                while (true) {
                    String f = ws.nextText();
                    if (f == null) {
                        throw new IOException("closed after " + frames);
                    }
                    if (f.equals(end)) {
                        return new Reply(String.join("", frames), !frames.contains("ok \n"));
                    }
                    frames.add(f);
                }
            }

            public void close() throws IOException {
                ws.close();
            }
        };
        for (String l : login) {
            door.send(l.getBytes(StandardCharsets.UTF_8));
        }
        return door;
    }

    /** HTTP {@code POST /}: the login and the input in one body; failures counted by the reply header. */
    static Door http(int port, List<String> login) {
        HttpClient client = HttpClient.newHttpClient();
        String prefix = String.join("; ", login);
        // what a successful login answers: "valid auth\n" for auth, nothing ("empty") for use-db
        StringBuilder expected = new StringBuilder();
        for (String l : login) {
            expected.append(l.startsWith("auth ") ? "valid auth\n" : "empty").append(';');
        }
        String loginReply = expected.toString();
        return new Door() {
            public String name() {
                return "http";
            }

            public Reply send(byte[] input) throws Exception {
                byte[] pre = (prefix + "; ").getBytes(StandardCharsets.UTF_8);
                byte[] body = Arrays.copyOf(pre, pre.length + input.length);
                System.arraycopy(input, 0, body, pre.length, input.length);
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return new Reply(r.statusCode() + " " + r.body(), true);
                }
                // The failure count says which commands failed only when the login ran as sent
                // (its pieces lead the reply) and the input did not run into the login's last
                // command (an input starting with a word that is not a command name joins it).
                int commands = CommandSplitter.split(new String(body, StandardCharsets.UTF_8))
                        .size();
                int inputCommands = CommandSplitter.split(new String(input, StandardCharsets.UTF_8))
                        .size();
                int failed = Integer.parseInt(
                        r.headers().firstValue("X-NunDB-Failed-Commands").orElse("-1"));
                boolean loggedIn =
                        commands == login.size() + inputCommands && r.body().startsWith(loginReply);
                return new Reply(r.body(), loggedIn && failed == inputCommands);
            }

            public void close() {}
        };
    }

    /** RSocket {@code command}: the whole input as one request. */
    static Door rsocket(int port, String login) {
        RSocketRequester r = RSocketRequester.builder()
                .rsocketStrategies(RSocketStrategies.create())
                .setupMetadata(login, RSocketChaos.LOGIN)
                .tcp("127.0.0.1", port);
        return new Door() {
            public String name() {
                return "rsocket";
            }

            public Reply send(byte[] input) {
                String reply = r.route("command")
                        .data(input)
                        .retrieveMono(String.class)
                        .block(Duration.ofSeconds(60));
                List<String> lines = reply == null ? List.of() : Arrays.asList(reply.split("\n", -1));
                return new Reply(reply, !anyOk(lines));
            }

            public void close() {
                r.dispose();
            }
        };
    }

    /**
     * REST: the input read as a command and sent as the route that does the same ({@code get} as
     * {@code GET}, {@code set} as {@code PUT}, {@code set-safe} as {@code PUT} with {@code If-Match},
     * {@code remove}, {@code increment}, {@code keys}, {@code create-db}); refused when the status
     * is 400 or more. Other commands become a {@code GET} of their first argument.
     */
    static Door rest(int port, String authorization) {
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port + "/api/v1/dbs/";
        java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
        return new Door() {
            public String name() {
                return "rest";
            }

            public String recent() {
                return String.join("\n", recent);
            }

            private void remember(String line) {
                if (recent.size() == 5) {
                    recent.removeFirst();
                }
                recent.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
            }

            public Reply send(byte[] input) throws Exception {
                String[] w = new String(input, StandardCharsets.UTF_8).split(" ", 4);
                String arg1 = w.length > 1 ? w[1] : "";
                String arg2 = w.length > 2 ? w[2] : "";
                String rest = w.length > 3 ? w[3] : "";
                HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofSeconds(60));
                b.header("Authorization", authorization);
                String db = base + RefusalOracle.DB;
                switch (w[0]) {
                    case "set" ->
                        b.uri(uri(db + "/keys/", arg1, "")).PUT(body(arg2 + (rest.isEmpty() ? "" : " " + rest)));
                    case "set-safe" ->
                        b.uri(uri(db + "/keys/", arg2, ""))
                                .header("If-Match", "\"" + arg1.replaceAll("[^0-9a-z-]", "") + "\"")
                                .PUT(body(rest));
                    case "remove" -> b.uri(uri(db + "/keys/", arg1, "")).DELETE();
                    case "increment" ->
                        b.uri(uri(db + "/keys/", arg1, "/increment?by=" + encode(arg2)))
                                .POST(HttpRequest.BodyPublishers.noBody());
                    case "keys", "ls" ->
                        b.uri(URI.create(db + "/keys?pattern=" + encode(arg1))).GET();
                    case "create-db" ->
                        b.uri(URI.create("http://127.0.0.1:" + port + "/api/v1/dbs"))
                                .header("Content-Type", "application/json")
                                .POST(body("{\"name\":\"" + arg1.replaceAll("[\"\\\\]", "") + "\",\"token\":\""
                                        + arg2.replaceAll("[\"\\\\]", "") + "\"}"));
                    default -> b.uri(uri(db + "/keys/", arg1, "")).GET();
                }
                HttpRequest request = b.build();
                remember(request.method() + " " + request.uri() + " (sent " + java.time.LocalTime.now() + ")");
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                remember("  -> " + r.statusCode() + " " + r.headers().map() + " " + r.body());
                HttpRequest sent = r.request();
                return new Reply(
                        sent.method() + " " + sent.uri() + " -> " + r.statusCode() + " " + r.body(),
                        r.statusCode() >= 400);
            }

            public void close() {}
        };
    }

    private static URI uri(String prefix, String key, String suffix) {
        return URI.create(prefix + encode(key) + suffix);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpRequest.BodyPublisher body(String s) {
        return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
    }
}
