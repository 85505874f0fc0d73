package io.nundb.bench;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A throw-away redis-server on a loopback port: no RDB snapshots, no AOF, stopped by {@link #close()}. */
final class RedisServer implements Closeable {

    private final Process process;
    private final Target target;
    private final String version;
    private final Thread killOnExit;

    private RedisServer(Process process, Target target, String version) {
        this.process = process;
        this.target = target;
        this.version = version;
        this.killOnExit = new Thread(process::destroyForcibly, "bench-redis-killer");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The executable, if it is a path to a file or found on the PATH. */
    static Optional<Path> find(String executable) {
        if (executable.contains(File.separator)) {
            Path path = Path.of(executable);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static RedisServer start(Path executable, Path workDir) throws IOException, InterruptedException {
        return start(executable, workDir, List.of(), List.of());
    }

    /**
     * As {@link #start(Path, Path)}, with {@code commandPrefix} before the executable (e.g. {@code
     * prlimit …}) and {@code extraArgs} after the bench's own settings (e.g. {@code --maxclients}).
     */
    static RedisServer start(Path executable, Path workDir, List<String> commandPrefix, List<String> extraArgs)
            throws IOException, InterruptedException {
        int port = FreePorts.pick();
        Path log = workDir.resolve("redis.log");
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(
                executable.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workDir.toString()));
        command.addAll(extraArgs);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Target target = new Target("Redis", "127.0.0.1", port, new RespProtocol());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(
                        "redis-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Connection c = Connection.open(target)) {
                c.call("PING");
                String info = c.call("INFO", "server");
                return new RedisServer(process, target, versionIn(info));
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("redis-server did not answer PING on port " + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    private static String versionIn(String info) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length());
            }
        }
        return "?";
    }

    Target target() {
        return target;
    }

    /** The process id (the bench reads its resident memory). */
    long pid() {
        return process.pid();
    }

    String version() {
        return version;
    }

    @Override
    public void close() {
        try (Connection c = Connection.open(target)) {
            c.protocol().encodeCommand(c.out(), "SHUTDOWN", "NOSAVE");
            c.flush();
        } catch (IOException alreadyGone) {
            // the process is stopped below either way
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
