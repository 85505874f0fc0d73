package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the blocks {@link WalkedBlocks} lists — Maven builds, servers in the foreground on the default
 * ports, the local cluster, the image, containers and compose — as written, with bash, one block
 * after the other, in a copy of the repository (its files as {@code git ls-files} lists them, no
 * {@code target/}), so the build that runs this test is never touched. {@link WalkScript} says what
 * is added around a command (a foreground server is waited for and stopped, a status command
 * re-run until healthy). Containers and volumes a block leaves are removed after it, and nodes of
 * the local cluster stopped. A block that checks out an older commit ({@code git worktree add ../DIR
 * COMMIT}) gets it in the copy, fetched from this repository's history ({@link WalkHistory}; a history
 * without it, as a shallow clone's, skips the block with the reason), and its worktrees (next to the
 * copy, in the test's directory) are removed after it. The bench blocks run last, with {@value WalkedBlocks#SMOKE}=1 (each
 * bench, and the fuzz harness, runs for seconds: small defaults, and explicit run lengths capped at
 * them), and must exit 0 and print their summary line.
 *
 * <p>Minutes of builds: runs when {@value #SWITCH}=1 (.ci/run sets it). A block runs only when the
 * default ports it binds are free (so {@code verify} passes while a server runs on them) and, for
 * Docker blocks, where a Docker engine answers; otherwise it is skipped with the reason. Maven runs
 * offline ({@code MAVEN_ARGS=-o}: the build running this test has fetched what it needs). Runs on the
 * test thread; each block is a bash process of its own.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class DocsCommandWalkIT {

    static final String SWITCH = "NUNDB_DOCS_WALK";

    /** The Compose project of the copy (its directory's name), so its containers can be told apart. */
    private static final String PROJECT = "nundb-docs-walk";

    private static final int MINUTES_PER_BLOCK = 10;

    @TempDir
    static Path dir;

    private static Path repo;

    /**
     * The walked blocks, or with {@code -Dwalk.only=bench} only the benches, with {@code -Dwalk.only=TEXT}
     * those whose document and line contain TEXT, with {@code TEXT|TEXT…} any of them (to iterate on a few).
     */
    static Stream<WalkedBlocks.Walk> walks() {
        String only = System.getProperty("walk.only", "");
        List<String> any = List.of(only.split("\\|"));
        return WalkedBlocks.LIST.stream()
                .filter(w -> only.isEmpty()
                        || (only.equals("bench") ? w.bench() : any.stream().anyMatch(w.toString()::contains)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("walks")
    void theBlockRunsAsWritten(WalkedBlocks.Walk walk) throws Exception {
        MarkdownBlocks.Block block = walk.block();
        assumeTrue(
                "1".equals(System.getenv(SWITCH)),
                "The docs' build, server and Docker commands run only with " + SWITCH + "=1 (.ci/run sets it;"
                        + " minutes of builds): " + block.where() + " skipped");
        if (walk.needs() != WalkedBlocks.Needs.NOTHING) {
            assumeTrue(
                    ok("docker", "info"),
                    "No Docker engine answers `docker info`: " + block.where() + " skipped (docker/start-dockerd.sh"
                            + " starts one; .ci/run does)");
        }
        if (walk.needs() == WalkedBlocks.Needs.COMPOSE) {
            assumeTrue(ok("docker-compose", "version"), "No docker-compose: " + block.where() + " skipped");
        }
        List<Integer> busy = busyAfterAWhile(walk.ports());
        assumeTrue(
                busy.isEmpty(),
                "Ports " + busy + " are in use (a server of yours?): " + block.where() + " binds the documented"
                        + " ports " + walk.ports() + ", skipped");
        if (block.lines().stream().anyMatch(l -> l.strip().startsWith(WalkScript.VERIFY + " "))) {
            assertThat(Files.readAllLines(Path.of(".ci/run")))
                    .as(".ci/run runs the README's test command, the build that runs this walk")
                    .contains(WalkScript.VERIFY);
        }
        List<String> history = new ArrayList<>();
        for (String commit : WalkHistory.commits(block.lines())) {
            String full = WalkHistory.resolve(Path.of(""), commit);
            if (full == null) {
                abort(WalkHistory.whyMissing(Path.of(""), commit) + ": " + block.where()
                        + " checks it out with `git worktree add`, skipped");
            }
            history.add(full);
        }
        Path repo = repository();
        Set<String> containers = walk.needs() == WalkedBlocks.Needs.NOTHING ? Set.of() : containers();
        Set<String> volumes = walk.needs() == WalkedBlocks.Needs.NOTHING ? Set.of() : volumes();
        try {
            if (!history.isEmpty()) {
                WalkHistory.give(Path.of(""), repo, history);
            }
            run(walk, block, repo);
        } finally {
            if (block.text().contains("ops/local-cluster.sh")) {
                exec(repo, List.of("ops/local-cluster.sh", "stop"));
            }
            if (walk.needs() == WalkedBlocks.Needs.COMPOSE && Files.exists(repo.resolve(".env"))) {
                exec(repo, List.of("docker-compose", "down", "-v", "--remove-orphans"));
            }
            if (walk.needs() != WalkedBlocks.Needs.NOTHING) {
                removeNew(containers, volumes);
            }
            if (!history.isEmpty()) {
                WalkHistory.take(repo);
            }
        }
    }

    private static void run(WalkedBlocks.Walk walk, MarkdownBlocks.Block block, Path repo) throws Exception {
        Path logs = Files.createTempDirectory(dir, "logs-");
        Path script = logs.resolve("block.sh");
        Files.writeString(script, WalkScript.of(block.lines()), StandardCharsets.UTF_8);
        Path out = logs.resolve("out.txt");
        ProcessBuilder b = new ProcessBuilder("nice", "-n", "10", "bash", script.toString())
                .directory(repo.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        environment(b.environment(), logs);
        if (walk.bench()) {
            b.environment().put(WalkedBlocks.SMOKE, "1");
        }
        System.out.println("walk " + block.where() + " in " + repo);
        long start = System.nanoTime();
        Process p = b.start();
        boolean done = p.waitFor(MINUTES_PER_BLOCK, TimeUnit.MINUTES);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println(printed);
        System.out.printf(
                "walk %s: %s in %d s%n",
                block.where(),
                done ? "exit " + p.exitValue() : "timed out",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        Path notRun = logs.resolve("not-run.txt");
        if (Files.exists(notRun)) {
            System.out.println("not run in " + block.where() + ":\n" + Files.readString(notRun));
        }
        String context = block.where() + "\n" + tail(printed, 150) + foregroundLogs(logs, done && p.exitValue() != 0);
        assertThat(done)
                .as("finished within %d minutes: %s", MINUTES_PER_BLOCK, context)
                .isTrue();
        assertThat(p.exitValue()).as("exit code of %s", context).isZero();
        if (walk.bench()) {
            assertThat(printed)
                    .as("the bench printed its summary (a line with \"%s\"): %s", walk.prints(), context)
                    .contains(walk.prints());
        }
    }

    /**
     * A user's environment: the JDK running this test first on the PATH and as JAVA_HOME, none of the
     * server's settings (NUN_*, NUNDB_IMAGE) a CI job may have exported, Maven offline.
     */
    private static void environment(Map<String, String> env, Path logs) {
        env.keySet().removeIf(k -> k.startsWith("NUN_") || k.startsWith("NUNDB_") || k.startsWith("MAVEN_"));
        String javaHome = System.getProperty("java.home");
        env.put("JAVA_HOME", javaHome);
        env.put("PATH", Path.of(javaHome, "bin") + File.pathSeparator + env.get("PATH"));
        env.put("MAVEN_ARGS", "-o");
        env.put("WALK_LOGS", logs.toString());
    }

    private static String foregroundLogs(Path logs, boolean failed) throws IOException {
        if (!failed) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(f -> f.getFileName().toString().startsWith("foreground-"))
                    .sorted()
                    .toList()) {
                text.append("\n--- ")
                        .append(log.getFileName())
                        .append(":\n")
                        .append(tail(Files.readString(log, StandardCharsets.UTF_8), 60));
            }
        }
        return text.toString();
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    /**
     * The copy the blocks run in, made once: the files {@code git ls-files} lists (tracked and new,
     * not ignored), so no {@code target/}, {@code dbs/} or {@code .env}; src/test/js/node_modules
     * linked, so Maven's npm-ci step finds it installed and fetches nothing.
     */
    private static synchronized Path repository() throws Exception {
        if (repo != null) {
            return repo;
        }
        Path copy = Files.createDirectory(dir.resolve(PROJECT));
        Process ls = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String listed = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ls.waitFor())
                .as("git ls-files in " + Path.of("").toAbsolutePath())
                .isZero();
        for (String name : listed.split("\0")) {
            Path from = Path.of(name);
            if (name.isEmpty() || !Files.isRegularFile(from)) {
                continue; // deleted in the working tree
            }
            Path to = copy.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path modules = Path.of("src/test/js/node_modules").toAbsolutePath();
        if (Files.isDirectory(modules)) {
            Files.createSymbolicLink(copy.resolve("src/test/js/node_modules"), modules);
        }
        repo = copy;
        return copy;
    }

    /** The ports still in use after up to 20 s (the previous block's processes may be exiting). */
    private static List<Integer> busyAfterAWhile(List<Integer> ports) {
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> ports.stream().allMatch(DocsCommandWalkIT::free));
        } catch (ConditionTimeoutException e) {
            // reported below, port by port
        }
        return ports.stream().filter(p -> !free(p)).toList();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- Docker: what a block leaves behind ----

    private static Set<String> containers() throws Exception {
        Set<String> ids = new HashSet<>();
        ids.addAll(lines(List.of("docker", "ps", "-aq", "--no-trunc", "--filter", "ancestor=nundb-jvm")));
        ids.addAll(lines(List.of(
                "docker", "ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project=" + PROJECT)));
        return ids;
    }

    /** The named volumes the docs create (nundb-data, nd-data) and those of the copy's Compose project. */
    private static Set<String> volumes() throws Exception {
        Set<String> names = new HashSet<>();
        for (String name : lines(List.of("docker", "volume", "ls", "-q"))) {
            if (name.equals("nundb-data") || name.equals("nd-data") || name.startsWith(PROJECT + "_")) {
                names.add(name);
            }
        }
        return names;
    }

    /** Removes the containers and volumes that were not there before the block (those of other users stay). */
    private static void removeNew(Set<String> containersBefore, Set<String> volumesBefore) throws Exception {
        List<String> containers = new ArrayList<>(containers());
        containers.removeAll(containersBefore);
        if (!containers.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
            rm.addAll(containers);
            exec(Path.of(""), rm);
        }
        List<String> volumes = new ArrayList<>(volumes());
        volumes.removeAll(volumesBefore);
        if (!volumes.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "volume", "rm", "-f"));
            rm.addAll(volumes);
            exec(Path.of(""), rm);
        }
    }

    private static boolean ok(String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> lines(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Runs a clean-up command in {@code where}, printing what it says; its failure does not hide the block's. */
    private static void exec(Path where, List<String> command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command)
                .directory(where.toAbsolutePath().toFile())
                .redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(b.environment());
        env.keySet().removeIf(k -> k.startsWith("NUNDB_"));
        b.environment().clear();
        b.environment().putAll(env);
        Path out = Files.createTempFile(dir, "clean-up-", ".txt");
        b.redirectOutput(out.toFile());
        Process p = b.start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        System.out.println("clean-up " + command + ": " + (done ? "exit " + p.exitValue() : "timed out") + "\n"
                + Files.readString(out, StandardCharsets.UTF_8));
    }
}
