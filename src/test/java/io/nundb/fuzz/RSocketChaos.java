package io.nundb.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.RSocketStrategies;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/**
 * The RSocket door: well-formed connections (any login in the setup metadata, any route, command
 * text, watch JSON or noise as data) and raw frames (a length prefix, then random frame types and
 * bytes, or a length the bytes never reach).
 */
final class RSocketChaos {

    static final MimeType LOGIN = MimeType.valueOf("message/x.nundb.login.v0");

    private final FuzzNode node;
    private final Sockets sockets;
    private final int maxValue;
    private final List<String> dbs;
    private final List<String> tokens;
    private final RSocketStrategies strategies = RSocketStrategies.create();

    RSocketChaos(FuzzNode node, Sockets sockets, int maxValue, List<String> dbs, List<String> tokens) {
        this.node = node;
        this.sockets = sockets;
        this.maxValue = maxValue;
        this.dbs = dbs;
        this.tokens = tokens;
    }

    void run(SplittableRandom random, long deadline) {
        Grammar grammar = new Grammar(random, dbs, tokens, maxValue, true);
        Noise noise = new Noise(random, grammar, maxValue);
        while (System.nanoTime() < deadline) {
            if (random.nextInt(4) == 0) {
                rawFrames(random, noise);
            } else {
                requests(random, grammar, noise, deadline);
            }
        }
    }

    private void requests(SplittableRandom random, Grammar grammar, Noise noise, long deadline) {
        RSocketRequester.Builder b = RSocketRequester.builder().rsocketStrategies(strategies);
        int i = random.nextInt(dbs.size());
        switch (random.nextInt(5)) {
            case 0 -> {}
            case 1 -> b = b.setupMetadata(grammar.burst(random.nextInt(1, 4)), LOGIN);
            case 2 -> b = b.setupMetadata("auth nun nun-pwd; use-db " + dbs.get(i) + " " + tokens.get(i), LOGIN);
            default -> b = b.setupMetadata("use-db " + dbs.get(i) + " " + tokens.get(i), LOGIN);
        }
        if (random.nextInt(5) == 0) {
            b = b.dataMimeType(MimeTypeUtils.APPLICATION_JSON);
        }
        RSocketRequester r = b.tcp("127.0.0.1", node.rsocketPort());
        try {
            int n = random.nextInt(1, 20);
            for (int k = 0; k < n && System.nanoTime() < deadline; k++) {
                String route = grammar.pick(List.of("command", "command", "command", "watch", "messages", "x", ""));
                Object data = switch (random.nextInt(6)) {
                    case 0 ->
                        "{\"keys\":[\"" + grammar.key().replace("\"", "") + "\"],\"current\":" + random.nextBoolean()
                                + ",\"lastEventId\":" + grammar.pick(List.of("null", "\"1\"", "\"a:2\"", "\"x\""))
                                + "}";
                    case 1 -> noise.binary(random.nextInt(1, 300));
                    case 2 -> new String(noise.withBadUtf8(grammar.command()), StandardCharsets.ISO_8859_1);
                    default -> grammar.burst(random.nextInt(1, 6));
                };
                RSocketRequester.RetrieveSpec spec = r.route(route).data(data);
                if (route.equals("command") || route.equals("x") || route.isEmpty()) {
                    spec.retrieveMono(String.class)
                            .timeout(Duration.ofSeconds(20))
                            .onErrorResume(e -> reactor.core.publisher.Mono.empty())
                            .block();
                } else {
                    spec.retrieveFlux(String.class)
                            .take(Duration.ofMillis(random.nextInt(10, 300)))
                            .onErrorResume(e -> reactor.core.publisher.Flux.empty())
                            .blockLast(Duration.ofSeconds(20));
                }
            }
        } catch (RuntimeException expected) {
            // a rejected setup or a closed connection
        } finally {
            r.dispose();
        }
    }

    /** Frames of RSocket's TCP framing (3-byte length prefix) with random content. */
    private void rawFrames(SplittableRandom random, Noise noise) {
        Socket s = null;
        try {
            s = sockets.open(node.rsocketPort(), random.nextInt(4) != 0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int frames = random.nextInt(1, 10);
            for (int f = 0; f < frames; f++) {
                byte[] frame = noise.binary(random.nextInt(6, 200));
                if (f == 0 && random.nextBoolean()) { // stream 0, SETUP (type 1), version 1.0
                    frame[0] = frame[1] = frame[2] = frame[3] = 0;
                    frame[4] = (byte) (0x01 << 2);
                    frame[5] = 0;
                }
                int length = random.nextInt(10) == 0 ? random.nextInt(1 << 24) : frame.length;
                out.write(length >>> 16);
                out.write(length >>> 8);
                out.write(length);
                out.writeBytes(frame);
            }
            s.getOutputStream().write(out.toByteArray());
            s.getOutputStream().flush();
        } catch (IOException expected) {
            // the server closes a connection with a bad frame
        } finally {
            if (s != null) {
                sockets.close(s, random.nextBoolean());
            }
        }
    }
}
