package io.nundb.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server as a child JVM on the test classpath, with every listener on an ephemeral port. */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("NunDB TCP listening on [^:]+:(\\d+)");

    final Process process;
    final Path log;
    final int tcpPort;

    private ServerProcess(Process process, Path log, int tcpPort) {
        this.process = process;
        this.log = log;
        this.tcpPort = tcpPort;
    }

    static ServerProcess start(Path dataDir, Path log, Map<String, String> env, Duration timeout) throws Exception {
        return start(dataDir, log, env, timeout, List.of("-Xmx512m"));
    }

    /** With {@code jvmOptions} (the heap size among them) before the main class. */
    static ServerProcess start(
            Path dataDir, Path log, Map<String, String> env, Duration timeout, List<String> jvmOptions)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "io.nundb.NunDbApplication"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("NUN_DBS_DIR", dataDir.toString());
        pb.environment().put("NUN_USER", "nun");
        pb.environment().put("NUN_PWD", "nun-pwd");
        pb.environment().put("NUN_TCP_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_HTTP_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_WS_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_RSOCKET_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_REPLICATE_ADDR", "");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long skip = Files.exists(log) ? Files.size(log) : 0;
        Process p = pb.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue() + ":\n" + tail(log, skip));
            }
            Matcher m = LISTENING.matcher(tail(log, skip));
            if (m.find()) {
                return new ServerProcess(p, log, Integer.parseInt(m.group(1)));
            }
            Thread.sleep(50); // polling a log file: there is no event to wait on
        }
        p.destroyForcibly();
        throw new IllegalStateException("server did not start within " + timeout + ":\n" + tail(log, skip));
    }

    static String tail(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from));
    }

    /** SIGKILL: no shutdown hook, no flush, no snapshot. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM: Spring closes the context (final snapshot); returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server ignored SIGTERM for 60 s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
