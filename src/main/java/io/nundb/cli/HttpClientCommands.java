package io.nundb.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sends command bodies to a node's HTTP port, as NunDB's CLI does (POST to the root of --host). */
final class HttpClientCommands {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private HttpClientCommands() {}

    /** POSTs {@code body} to {@code host} and returns the reply body; unreachable hosts become exit 4. */
    static String post(String host, String body) {
        return exchange(host, body).body();
    }

    /** POSTs {@code body} to {@code host} and returns the whole reply (status, headers, body). */
    static HttpResponse<String> exchange(String host, String body) {
        return send(
                host,
                HttpRequest.newBuilder(uri(host, ""))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "text/plain; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build());
    }

    /** GETs {@code path} under {@code host}. */
    static HttpResponse<String> get(String host, String path) {
        return send(
                host,
                HttpRequest.newBuilder(uri(host, path))
                        .timeout(REQUEST_TIMEOUT)
                        .GET()
                        .build());
    }

    /** A GET with HTTP Basic credentials (the admin's, for health details). */
    static HttpResponse<String> get(String host, String path, String user, String password) {
        String basic =
                java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return send(
                host,
                HttpRequest.newBuilder(uri(host, path))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Authorization", "Basic " + basic)
                        .GET()
                        .build());
    }

    private static HttpResponse<String> send(String host, HttpRequest request) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException(NunDbCli.EXIT_UNREACHABLE, "cannot reach " + host + ": " + reason(e));
        } catch (IOException e) {
            throw new CliException(NunDbCli.EXIT_UNREACHABLE, "request to " + host + " failed: " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(NunDbCli.EXIT_UNREACHABLE, "interrupted");
        }
    }

    private static URI uri(String host, String path) {
        String base = host.contains("://") ? host : "http://" + host;
        if (!path.isEmpty()) {
            base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        try {
            URI uri = URI.create(base + path);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException(NunDbCli.EXIT_USAGE, "not a valid --host URL: " + host);
        }
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e instanceof ConnectException
                ? "connection refused"
                : e.getClass().getSimpleName();
    }
}
