package io.nundb.container;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Just enough of a Kubernetes API server for Helm's {@code lookup} of Secrets: discovery of
 * {@code /api/v1} and {@code GET} of one Secret (404 when it does not exist). Helm (helm-java's
 * {@code template}) asks the cluster named by {@code $KUBECONFIG}, which surefire points at the
 * file {@link #writeKubeconfig} writes. The JDK's HTTP server answers on its own thread.
 */
final class FakeKubernetesApi implements AutoCloseable {

    /** Where surefire's KUBECONFIG points (pom.xml). */
    static final Path KUBECONFIG = Path.of("target/helm-test/kubeconfig");

    private static final Pattern SECRET = Pattern.compile("/api/v1/namespaces/([^/]+)/secrets/([^/?]+)");
    private static final JsonMapper JSON = new JsonMapper();

    private final HttpServer server;
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeKubernetesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A Secret the next renders find: namespace/name → data (base64 values). */
    void secret(String namespace, String name, Map<String, String> data) {
        secrets.put(namespace + "/" + name, data);
    }

    void clear() {
        secrets.clear();
        requests.clear();
    }

    void writeKubeconfig() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        String config = String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: fake",
                "  cluster:",
                "    server: " + url,
                "contexts:",
                "- name: fake",
                "  context:",
                "    cluster: fake",
                "    user: fake",
                "current-context: fake",
                "users:",
                "- name: fake",
                "  user: {}",
                "");
        try {
            Files.createDirectories(KUBECONFIG.getParent());
            Files.writeString(KUBECONFIG, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        Matcher m = SECRET.matcher(path);
        if (path.equals("/api/v1")) {
            reply(
                    exchange,
                    200,
                    Map.of(
                            "kind", "APIResourceList",
                            "apiVersion", "v1",
                            "groupVersion", "v1",
                            "resources",
                                    List.of(Map.of(
                                            "name", "secrets",
                                            "singularName", "secret",
                                            "namespaced", true,
                                            "kind", "Secret",
                                            "verbs", List.of("get", "list")))));
        } else if (m.matches() && secrets.containsKey(m.group(1) + "/" + m.group(2))) {
            reply(
                    exchange,
                    200,
                    Map.of(
                            "kind", "Secret",
                            "apiVersion", "v1",
                            "metadata", Map.of("name", m.group(2), "namespace", m.group(1)),
                            "type", "Opaque",
                            "data", secrets.get(m.group(1) + "/" + m.group(2))));
        } else {
            reply(
                    exchange,
                    404,
                    Map.of(
                            "kind", "Status",
                            "apiVersion", "v1",
                            "status", "Failure",
                            "reason", "NotFound",
                            "message", path + " not found",
                            "code", 404));
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
