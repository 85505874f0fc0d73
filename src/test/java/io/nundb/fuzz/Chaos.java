package io.nundb.fuzz;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The concurrent phase: each door gets its own fuzzer thread and random source, sending grammar
 * commands and noise on short-lived connections (some never read, some are reset mid-line). Client
 * errors (refused connections, resets, timeouts) are expected and end only that connection.
 */
final class Chaos {

    private final FuzzNode node;
    private final Sockets sockets;
    private final int maxValue;
    private final List<String> dbs;
    private final List<String> tokens;

    Chaos(FuzzNode node, Sockets sockets, int maxValue, List<String> dbs, List<String> tokens) {
        this.node = node;
        this.sockets = sockets;
        this.maxValue = maxValue;
        this.dbs = dbs;
        this.tokens = tokens;
    }

    private Noise noise(SplittableRandom random) {
        return new Noise(random, new Grammar(random, dbs, tokens, maxValue, true), maxValue);
    }

    /** Lines on the TCP door: a login, then chunks of commands and noise. */
    void tcp(SplittableRandom random, long deadline) {
        Noise noise = noise(random);
        while (System.nanoTime() < deadline) {
            boolean read = random.nextInt(6) != 0;
            Socket s = null;
            try {
                s = sockets.open(node.tcpPort(), read);
                OutputStream out = s.getOutputStream();
                out.write(login(random, "\n").getBytes(StandardCharsets.UTF_8));
                int chunks = random.nextInt(1, 40);
                for (int i = 0; i < chunks && System.nanoTime() < deadline; i++) {
                    out.write(noise.lines());
                }
                out.flush();
            } catch (IOException expected) {
                // the server may close a connection it was sent garbage on
            } finally {
                if (s != null) {
                    sockets.close(s, random.nextBoolean());
                }
            }
        }
    }

    /** Frames on the WebSocket door: text bursts, binary, RSV bits, odd opcodes and fragments. */
    void webSocket(SplittableRandom random, long deadline) {
        Noise noise = noise(random);
        while (System.nanoTime() < deadline) {
            Socket s = null;
            try {
                s = sockets.open(node.wsPort(), false);
                if (random.nextInt(10) == 0) { // not a handshake at all
                    s.getOutputStream().write(noise.lines());
                    sockets.drainInBackground(s);
                    continue;
                }
                RawWs ws = new RawWs(s, 60_000);
                if (random.nextInt(6) != 0) {
                    sockets.drainInBackground(s);
                }
                ws.text(login(random, "; "));
                int frames = random.nextInt(1, 30);
                for (int i = 0; i < frames && System.nanoTime() < deadline; i++) {
                    int kind = random.nextInt(14);
                    switch (kind) {
                        case 0 -> ws.frame(true, 0, RawWs.BINARY, noise.binary(random.nextInt(1, 500)));
                        case 1 -> ws.frame(true, random.nextInt(1, 8), RawWs.TEXT, noise.frameText());
                        case 2 -> ws.frame(true, 0, random.nextInt(3, 16), noise.binary(random.nextInt(0, 100)));
                        case 3 -> { // a text message in fragments, maybe never finished
                            ws.frame(false, 0, RawWs.TEXT, noise.frameText());
                            ws.frame(random.nextBoolean(), 0, 0, noise.frameText());
                        }
                        case 4 -> ws.frame(true, 0, 0, noise.frameText()); // a continuation of nothing
                        case 5 -> ws.raw(noise.binary(random.nextInt(1, 64)));
                        default -> ws.frame(true, 0, RawWs.TEXT, noise.frameText());
                    }
                }
            } catch (IOException expected) {
                // a bad frame may close the connection
            } finally {
                if (s != null) {
                    sockets.close(s, random.nextBoolean());
                }
            }
        }
    }

    /** HTTP on port 3013: {@code POST /} bodies, REST routes with odd paths and headers, SSE streams. */
    void http(SplittableRandom random, long deadline) {
        Noise noise = noise(random);
        Grammar grammar = new Grammar(random, dbs, tokens, maxValue, true);
        while (System.nanoTime() < deadline) {
            Socket s = null;
            try {
                boolean read = random.nextInt(8) != 0;
                s = sockets.open(node.httpPort(), read);
                OutputStream out = s.getOutputStream();
                int kind = random.nextInt(10);
                if (kind < 4) {
                    byte[] body = random.nextInt(5) == 0
                            ? noise.withBadUtf8(grammar.burst(random.nextInt(1, 6)))
                            : (login(random, "; ") + grammar.burst(random.nextInt(1, 20)))
                                    .getBytes(StandardCharsets.UTF_8);
                    out.write(request("POST", "/", List.of(), body, random));
                } else if (kind < 9) {
                    out.write(rest(random, grammar, noise));
                } else {
                    out.write(noise.lines()); // not HTTP, or half of a request
                }
                out.flush();
                if (read && random.nextBoolean()) {
                    Thread.sleep(random.nextInt(0, 200)); // an SSE stream stays open a moment
                }
            } catch (IOException expected) {
                // refused or reset
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                if (s != null) {
                    sockets.close(s, random.nextBoolean());
                }
            }
        }
    }

    private byte[] rest(SplittableRandom random, Grammar grammar, Noise noise) {
        String db = random.nextInt(6) == 0
                ? grammar.pick(List.of("%2F", "%ZZ", "..", "%2e%2e", "a%00b", "%F0%9F"))
                : grammar.db();
        String key = random.nextInt(4) == 0
                ? grammar.pick(List.of("%2F", "%ZZ", "a%2Fb", "%", "%FF", "k%0Ax", "%24%24token"))
                : encode(grammar.key());
        String path = switch (random.nextInt(9)) {
            case 0 -> "/api/v1/dbs";
            case 1 -> "/api/v1/dbs/" + db + "/keys" + (random.nextBoolean() ? "?pattern=" + encode(grammar.key()) : "");
            case 2, 3 -> "/api/v1/dbs/" + db + "/keys/" + key;
            case 4 ->
                "/api/v1/dbs/" + db + "/keys/" + key + "/increment?by="
                        + grammar.pick(List.of("1", "-5", "x", "99999999999999999999", ""));
            case 5, 6 ->
                "/api/v1/dbs/" + db + "/watch?key=" + key
                        + grammar.pick(List.of(
                                "",
                                "&current=true",
                                "&key=a*",
                                "&lastEventId=x",
                                "&lastEventId=a:1",
                                "&token=" + grammar.token()));
            case 7 ->
                grammar.pick(List.of(
                        "/actuator/health/a%2Fb",
                        "/actuator/health",
                        "/readyz",
                        "/%ZZ",
                        "/actuator/metrics/%",
                        "/api/v1/dbs/" + db + "/keys/" + key + "/x/y",
                        "//",
                        "/api/v1/../x"));
            default ->
                "/"
                        + new String(noise.randomBytes(random.nextInt(1, 30)), StandardCharsets.US_ASCII)
                                .replace(' ', '%')
                                .replace('\n', 'n')
                                .replace('\r', 'r');
        };
        String method = grammar.pick(List.of("GET", "GET", "PUT", "PUT", "DELETE", "POST", "PATCH", "OPTIONS", "BREW"));
        String auth = db.equals("$admin")
                ? "Authorization: Bearer wrong"
                : switch (random.nextInt(6)) {
                    case 0 ->
                        "Authorization: Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString((grammar.pick(List.of("nun", "u", "")) + ":" + grammar.token())
                                                .getBytes(StandardCharsets.UTF_8));
                    case 1 -> "Authorization: Basic %%%";
                    case 2 -> "";
                    default -> "Authorization: Bearer " + grammar.token();
                };
        String ifMatch = random.nextInt(4) == 0
                ? "If-Match: "
                        + grammar.pick(List.of("\"1\"", "\"-2\"", "1", "\"x\"", "*", "\"2147483647\"", "W/\"0\""))
                : "";
        byte[] body = random.nextInt(4) == 0
                ? noise.binary(random.nextInt(0, 300))
                : grammar.value().getBytes(StandardCharsets.UTF_8);
        return request(method, path, List.of(auth, ifMatch), body, random);
    }

    private static byte[] request(
            String method, String path, List<String> headers, byte[] body, SplittableRandom random) {
        StringBuilder head =
                new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            if (!h.isEmpty()) {
                head.append(h.replace("\r", "").replace("\n", "")).append("\r\n");
            }
        }
        head.append("Content-Type: ")
                .append(random.nextBoolean() ? "text/plain" : "application/json")
                .append("\r\n");
        head.append("Connection: close\r\n");
        int declared = random.nextInt(12) == 0 ? body.length + random.nextInt(-5, 50) : body.length;
        head.append("Content-Length: ").append(Math.max(0, declared)).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Mostly a valid login ({@code tokens} holds each of {@code dbs}' tokens at the same index) so
     * that commands get past the session checks; sometimes none or a wrong token.
     */
    private String login(SplittableRandom random, String separator) {
        int i = random.nextInt(dbs.size());
        String use =
                "use-db " + dbs.get(i) + " " + tokens.get(random.nextInt(5) == 0 ? random.nextInt(tokens.size()) : i);
        return switch (random.nextInt(6)) {
            case 0 -> "auth " + FuzzNode.ADMIN + " " + FuzzNode.PASSWORD + separator + use + separator;
            case 1 -> "";
            default -> use + separator;
        };
    }
}
