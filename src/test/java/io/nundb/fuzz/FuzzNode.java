package io.nundb.fuzz;

import io.nundb.durability.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under fuzz as a child JVM ({@link ServerProcess}) with every door on an ephemeral
 * loopback port; its stdout and stderr go to one log file that the harness scans for stack traces.
 */
final class FuzzNode implements AutoCloseable {

    static final String ADMIN = "nun";
    static final String PASSWORD = "nun-pwd";

    private static final Pattern HTTP = Pattern.compile("Netty started on port (\\d+) \\(http\\)");
    private static final Pattern WS = Pattern.compile("WebSocket listening on [^:]+:(\\d+)");
    private static final Pattern RSOCKET = Pattern.compile("Netty RSocket started on port (\\d+)");
    private static final Pattern HEAP_VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");
    /** A stack trace frame, a "Caused by", an uncaught exception report, or any line logged at ERROR. */
    private static final Pattern STACK =
            Pattern.compile("(?m)^\\s+at [\\w.$/<>]+\\(.*\\)$|^Caused by: |Exception in thread | ERROR \\d+ ---");

    private final ServerProcess process;
    private final Path log;
    private final int httpPort;
    private final int wsPort;
    private final int rsocketPort;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private FuzzNode(ServerProcess process, Path log) throws Exception {
        this.process = process;
        this.log = log;
        this.httpPort = port(HTTP);
        this.wsPort = port(WS);
        this.rsocketPort = port(RSOCKET);
    }

    static FuzzNode start(Path dir, Map<String, String> env, List<String> jvmOptions) throws Exception {
        Path log = dir.resolve("server.log");
        ServerProcess process = ServerProcess.start(dir.resolve("data"), log, env, Duration.ofSeconds(120), jvmOptions);
        try {
            return new FuzzNode(process, log);
        } catch (Exception | Error e) {
            process.close();
            throw e;
        }
    }

    /** The listeners log their ports one after the other; TCP (which start waits for) comes first. */
    private int port(Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(ServerProcess.tail(log, 0));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50); // polling a log file: there is no event to wait on
        }
        throw new IllegalStateException("no " + pattern + " in the log:\n" + ServerProcess.tail(log, 0));
    }

    int tcpPort() {
        return process.tcpPort();
    }

    int httpPort() {
        return httpPort;
    }

    int wsPort() {
        return wsPort;
    }

    int rsocketPort() {
        return rsocketPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return ServerProcess.tail(log, 0);
    }

    /** The stack-trace lines of the log (with a line of context before each), empty when none. */
    List<String> stackTraces() throws IOException {
        String[] lines = log().split("\n");
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (STACK.matcher(lines[i]).find()) {
                if (i > 0 && !STACK.matcher(lines[i - 1]).find()) {
                    found.add(lines[i - 1]);
                }
                found.add(lines[i]);
            }
        }
        return found;
    }

    /** Heap in use, from Actuator ({@code jvm.memory.used}, area heap), in bytes. */
    long heapUsed() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + httpPort + "/actuator/metrics/jvm.memory.used?tag=area:heap"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = HEAP_VALUE.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IOException("jvm.memory.used: " + r.statusCode() + " " + r.body());
        }
        return (long) Double.parseDouble(m.group(1));
    }

    /** A full collection in the server ({@code jcmd <pid> GC.run}), so heap readings compare. */
    void collectGarbage() throws IOException, InterruptedException {
        jcmd("GC.run", ProcessBuilder.Redirect.DISCARD);
    }

    /**
     * The server's threads ({@code jcmd <pid> Thread.print}) written to {@code file}: what a door
     * that gave no reply was doing, for the report of the failure.
     */
    void dumpThreads(Path file) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        jcmd("Thread.print", ProcessBuilder.Redirect.to(file.toFile()));
    }

    private void jcmd(String command, ProcessBuilder.Redirect output) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(process.pid()), command)
                .redirectErrorStream(true)
                .redirectOutput(output)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + command + " did not finish");
        }
    }

    /** Whether {@code /readyz} answers 200. */
    boolean ready() {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                                            .timeout(Duration.ofSeconds(20))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
