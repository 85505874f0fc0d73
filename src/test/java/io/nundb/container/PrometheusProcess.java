package io.nundb.container;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) as a child process, configured from
 * the compose file's scrape configuration ({@code ops/prometheus/prometheus.yml}): the same jobs,
 * metrics path, targets and relabelling, plus one rule per target that sends its scrape to where
 * that node runs in the test (the compose targets are service names only Docker's network knows).
 * So the series carry the compose names as {@code instance} ({@code nundb-1} …), exactly as in the
 * compose deployment. Threads: the caller's.
 */
final class PrometheusProcess implements AutoCloseable {

    /** Where the compose deployment's scrape configuration lives. */
    static final Path COMPOSE_CONFIG = Path.of("ops/prometheus/prometheus.yml");

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Whether Debian's prometheus binary is on the PATH. */
    static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "prometheus"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The compose file's configuration with the {@code i}-th target (in file order) scraped at
     * {@code addressOf.apply(i)} and every {@code scrape_interval} set to {@code interval}.
     */
    @SuppressWarnings("unchecked")
    static String config(Path composeConfig, IntFunction<String> addressOf, String interval) throws IOException {
        Map<String, Object> config = new Yaml().load(Files.readString(composeConfig));
        ((Map<String, Object>) config.computeIfAbsent("global", k -> new LinkedHashMap<>()))
                .put("scrape_interval", interval);
        int index = 0;
        for (Object j : (List<Object>) config.get("scrape_configs")) {
            Map<String, Object> job = (Map<String, Object>) j;
            job.remove("scrape_interval");
            List<Object> relabel = (List<Object>) job.computeIfAbsent("relabel_configs", k -> new ArrayList<>());
            for (Object group : (List<Object>) job.get("static_configs")) {
                for (Object target : (List<Object>) ((Map<String, Object>) group).get("targets")) {
                    // after the file's own rules (which name the instance from the compose address)
                    Map<String, Object> redirect = new LinkedHashMap<>();
                    redirect.put("source_labels", List.of("__address__"));
                    redirect.put("regex", target.toString().replace(".", "\\."));
                    redirect.put("target_label", "__address__");
                    redirect.put("replacement", addressOf.apply(index++));
                    relabel.add(redirect);
                }
            }
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(config);
    }

    /** Starts prometheus on a loopback port with {@code config}, its data and log under {@code dir}. */
    static PrometheusProcess start(Path dir, String config) throws IOException {
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        Path log = dir.resolve("prometheus.log");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(
                            "prometheus",
                            "--config.file=" + file,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            PrometheusProcess prometheus = new PrometheusProcess(p, log, port);
            try {
                await("prometheus ready on port " + port)
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> !p.isAlive() || prometheus.ready());
            } catch (RuntimeException e) {
                prometheus.close();
                throw new IOException("prometheus did not become ready:\n" + prometheus.log(), e);
            }
            if (p.isAlive()) {
                return prometheus;
            }
            // the port was taken between choosing it and prometheus binding it: choose another
            last = new IOException("prometheus exited with " + p.exitValue() + ":\n" + prometheus.log());
        }
        throw last;
    }

    private boolean ready() {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** One instant query ({@code /api/v1/query}); the parsed JSON answer. */
    @SuppressWarnings("unchecked")
    Map<String, Object> query(String promql) throws IOException {
        HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        // JSON is YAML; SnakeYAML is already on the test classpath
        Map<String, Object> body = new Yaml().load(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.get("status"))) {
            throw new IOException("query " + promql + " answered " + response.statusCode() + ": " + response.body());
        }
        return (Map<String, Object>) body.get("data");
    }

    /** The label sets and values of a query's result (an instant vector). */
    @SuppressWarnings("unchecked")
    List<Sample> vector(String promql) throws IOException {
        Map<String, Object> data = query(promql);
        if (!"vector".equals(data.get("resultType"))) {
            throw new IOException(promql + " is not an instant vector but " + data.get("resultType"));
        }
        List<Sample> out = new ArrayList<>();
        for (Object r : (List<Object>) data.get("result")) {
            Map<String, Object> series = (Map<String, Object>) r;
            List<Object> value = (List<Object>) series.get("value");
            out.add(new Sample(
                    (Map<String, String>) series.get("metric"), value.get(1).toString()));
        }
        return out;
    }

    /** One series of a result: its labels and its value as Prometheus prints it ({@code NaN} included). */
    record Sample(Map<String, String> labels, String value) {}

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
