package io.nundb.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts in {@code src/test/js} with Node. Maven's {@code process-test-resources} phase
 * runs {@code npm ci} there when npm is on the PATH; a test that needs Node calls
 * {@link #assumeReady()} first, so on a machine without Node (or without the installed packages)
 * it reports itself skipped with the reason instead of failing. Runs on the calling test thread.
 */
public final class NodeScripts {

    /** Where the scripts and their package.json live, relative to the project directory. */
    public static final Path JS_DIR = Path.of("src/test/js");

    private NodeScripts() {}

    /** Skips the calling test, with the reason, unless Node runs and {@code npm ci} has installed nun-db. */
    public static void assumeReady() {
        assumeReady("npm client test");
    }

    /** As {@link #assumeReady()}, naming what is skipped. */
    public static void assumeReady(String what) {
        String version = nodeVersion();
        assumeTrue(
                version != null,
                "Node is not installed (no 'node' on the PATH): " + what + " skipped. Install Node 20 and npm, "
                        + "then re-run; Maven runs 'npm ci' in src/test/js by itself.");
        assumeTrue(
                Files.exists(JS_DIR.resolve("node_modules/nun-db/index.js")),
                "Node " + version + " is here but src/test/js/node_modules/nun-db is not: npm was not on the PATH "
                        + "when Maven ran (or -Dnpm.skip was set); run 'npm ci' in src/test/js or put npm on the PATH.");
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** What a finished (or killed) script printed, stdout and stderr merged. */
    public record Result(boolean finished, int exitCode, String output) {}

    /**
     * Runs {@code node <script> <args…>} in {@link #JS_DIR}, its output collected in a file in
     * {@code scratch}; kills it after {@code timeoutSeconds}.
     */
    public static Result run(Path scratch, long timeoutSeconds, String script, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(scratch, "node-", ".txt");
        Process node = new ProcessBuilder(command)
                .directory(JS_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean finished = node.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        return new Result(finished, finished ? node.exitValue() : -1, out);
    }
}
