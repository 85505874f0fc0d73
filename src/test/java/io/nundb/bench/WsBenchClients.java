package io.nundb.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watching side of {@link WsBench}'s fan-out phase, in its own JVM so that the server's and the
 * clients' sockets do not share one file-descriptor limit. Opens N WebSocket connections that each
 * select the db and watch one key, prints {@code READY}, then for every {@code EXPECT <value>} line
 * on stdin waits until all N have the change and prints {@code DONE <nanoTime of the last arrival>}.
 *
 * <p>Args: {@code <ws-url> <db> <token> <key> <connections>}.
 */
public final class WsBenchClients {

    /** How many connections must receive each change. */
    private static volatile int connections;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String db = args[1];
        String token = args[2];
        String key = args[3];
        int n = Integer.parseInt(args[4]);
        connections = n;
        HttpClient http = HttpClient.newBuilder()
                .executor(Executors.newFixedThreadPool(2))
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        Waiting waiting = new Waiting();
        CountDownLatch ready = new CountDownLatch(n);
        List<WebSocket> sockets = new ArrayList<>(n);
        int batch = 200;
        for (int start = 0; start < n; start += batch) {
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + batch); i++) {
                opening.add(http.newWebSocketBuilder().buildAsync(URI.create(url), new Listener(key, ready, waiting)));
            }
            for (CompletableFuture<WebSocket> f : opening) {
                WebSocket ws = f.get(60, TimeUnit.SECONDS);
                sockets.add(ws);
                ws.sendText("use-db " + db + " " + token + ";watch " + key, true);
            }
        }
        if (!ready.await(120, TimeUnit.SECONDS)) {
            System.out.println("FAILED only " + (n - ready.getCount()) + " of " + n + " connections are watching");
            System.exit(1);
        }
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("EXPECT ")) {
                String value = line.substring(7).strip();
                Arrivals a = waiting.get(value);
                boolean all = a.done.await(60, TimeUnit.SECONDS);
                System.out.println(all ? "DONE " + a.last.get() : "FAILED " + a.done.getCount() + " missing");
            } else if (line.equals("QUIT")) {
                break;
            }
        }
        System.exit(0);
    }

    private static final class Arrivals {
        final CountDownLatch done;
        final AtomicLong last = new AtomicLong();

        Arrivals(int n) {
            done = new CountDownLatch(n);
        }
    }

    private static final class Waiting {
        private final ConcurrentHashMap<String, Arrivals> byValue = new ConcurrentHashMap<>();

        Arrivals get(String value) {
            return byValue.computeIfAbsent(value, v -> new Arrivals(connections));
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final String prefix;
        private final CountDownLatch ready;
        private final Waiting waiting;
        private final StringBuilder partial = new StringBuilder();
        private boolean counted;
        private int oks;

        Listener(String key, CountDownLatch ready, Waiting waiting) {
            this.prefix = "changed-version " + key + " ";
            this.ready = ready;
            this.waiting = waiting;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.startsWith(prefix)) {
                    String value = frame.substring(frame.lastIndexOf(' ') + 1).strip();
                    Arrivals a = waiting.get(value);
                    a.last.accumulateAndGet(now, Math::max);
                    a.done.countDown();
                } else if (frame.startsWith("ok") && !counted && ++oks == 2) {
                    counted = true;
                    ready.countDown();
                }
            }
            ws.request(1);
            return null;
        }
    }
}
