package io.nundb.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fenced blocks of README.md and docs/*.md that {@link DocsCommandWalkIT} runs as written in a
 * copy of the repository: Maven builds, servers started in the foreground on the default ports,
 * local clusters, images, containers and compose, then the bench programs in their smoke form (every
 * server on free ports). Each entry names its document and a line only its
 * block has, the default ports its commands bind (the block runs only when they are free) and
 * whether it needs a Docker engine. The list is the run order (an image is built before a block runs
 * it). Checked by {@link DocsCoverageTest}: every entry matches exactly one block. Plain Java.
 */
final class WalkedBlocks {

    /** What besides bash, curl and a JDK a block needs. */
    enum Needs {
        NOTHING,
        /** A Docker engine that answers {@code docker info}. */
        DOCKER,
        /** A Docker engine and {@code docker-compose}. */
        COMPOSE
    }

    /**
     * One walked block: found by {@code doc} and a line of it starting with {@code line} (a {@code line}
     * ending in {@code $} must be the whole line). A bench ({@code prints} not null) runs with
     * {@value #SMOKE}=1 and must print a line containing {@code prints}, its summary.
     */
    record Walk(String doc, String line, Needs needs, List<Integer> ports, String prints) {

        Walk(String doc, String line, Needs needs, List<Integer> ports) {
            this(doc, line, needs, ports, null);
        }

        boolean bench() {
            return prints != null;
        }

        /** The block this entry names; fails unless exactly one block of {@code doc} has the line. */
        MarkdownBlocks.Block block() throws IOException {
            List<MarkdownBlocks.Block> found = MarkdownBlocks.read(Path.of(doc)).blocks().stream()
                    .filter(this::names)
                    .toList();
            if (found.size() != 1) {
                throw new IllegalStateException(
                        doc + " has " + found.size() + " blocks with a line starting " + line + " (expected one)");
            }
            return found.get(0);
        }

        boolean names(MarkdownBlocks.Block block) {
            return block.file().equals(Path.of(doc))
                    && block.lines().stream()
                            .anyMatch(l -> line.endsWith("$")
                                    ? l.strip().equals(line.substring(0, line.length() - 1))
                                    : l.strip().startsWith(line));
        }

        @Override
        public String toString() {
            return doc + ": " + line;
        }
    }

    /** The switch that shrinks every bench program to seconds (io.nundb.bench.Smoke). */
    static final String SMOKE = "NUNDB_BENCH_SMOKE";

    /** The single server's client ports (WebSocket, HTTP with Actuator, TCP, RSocket). */
    private static final List<Integer> SERVER = range(3012, 3015);

    /** ops/local-cluster.sh: node n on 40n2–40n6. */
    private static final List<Integer> LOCAL_CLUSTER = IntStream.of(4010, 4020, 4030)
            .flatMap(base -> IntStream.rangeClosed(base + 2, base + 6))
            .boxed()
            .toList();

    /** docker-compose.yml: node 1 on 3012–3015, nodes 2 and 3 on 3022–3024 and 3032–3034. */
    private static final List<Integer> COMPOSE_PORTS = IntStream.concat(
                    IntStream.rangeClosed(3012, 3015),
                    IntStream.concat(IntStream.rangeClosed(3022, 3024), IntStream.rangeClosed(3032, 3034)))
            .boxed()
            .toList();

    static final List<Walk> LIST = List.of(
            new Walk("README.md", "./mvnw spring-boot:run     # start the server", Needs.NOTHING, SERVER),
            new Walk("README.md", "NUN_USER=nun NUN_PWD=nun-pwd ./mvnw spring-boot:run", Needs.NOTHING, SERVER),
            new Walk("README.md", "target/nun-db -u nun -p nun-pwd start", Needs.NOTHING, SERVER),
            new Walk("README.md", "ops/local-cluster.sh start", Needs.NOTHING, LOCAL_CLUSTER),
            new Walk("docs/cluster.md", "ops/local-cluster.sh start", Needs.NOTHING, LOCAL_CLUSTER),
            new Walk("docs/operations.md", "./mvnw -B package -DskipTests      # target/", Needs.NOTHING, List.of()),
            new Walk("docs/operations.md", "docker/start-dockerd.sh", Needs.DOCKER, List.of()),
            new Walk(
                    "README.md",
                    "./mvnw -B package -DskipTests && DOCKER_BUILDKIT=0 docker build",
                    Needs.DOCKER,
                    SERVER),
            new Walk("docs/operations.md", "docker volume create nundb-data", Needs.DOCKER, range(3012, 3014)),
            new Walk("docs/operations.md", "docker run -d --name nd --read-only", Needs.DOCKER, List.of(23013)),
            new Walk(
                    "docs/operations.md",
                    "NUNDB_IMAGE=nundb-jvm ./mvnw -B test -Dtest=DockerImageTest",
                    Needs.DOCKER,
                    List.of()),
            new Walk("README.md", "docker-compose up -d --build", Needs.COMPOSE, COMPOSE_PORTS),
            new Walk("docs/operations.md", "docker-compose up -d --build", Needs.COMPOSE, COMPOSE_PORTS),
            // the benches, shrunk by the smoke switch; every server and redis-server on free ports
            bench("docs/benchmarks.md", "./mvnw -q -B test-compile exec:exec@jmh$", "# Run complete."),
            bench("docs/benchmarks.md", "./mvnw -q -B test-compile exec:java@bench", "Load average after the run:"),
            bench("docs/benchmarks.md", "./mvnw -q -B test-compile exec:java@cluster-bench", "== Summary =="),
            bench(
                    "docs/storage.md",
                    "MAVEN_OPTS=-Xmx4g ./mvnw -q -B -o test-compile org.codehaus.mojo:exec-maven-plugin:3.6.2:java",
                    "| restart from the snapshot |"),
            bench(
                    "docs/transports.md",
                    "ulimit -n 20000; ./mvnw -q -B -o test-compile org.codehaus.mojo:exec-maven-plugin:3.6.2:java",
                    "fan-out of one write to 100 WebSocket watchers"),
            bench(
                    "README.md",
                    "./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile exec:java@perf",
                    "## Summary: issue 12's targets"),
            // bench commands with long explicit settings: the smoke switch caps them
            bench(
                    "docs/benchmarks.md",
                    "./mvnw -q -B test-compile exec:exec@jmh -Djmh.args=\"OpLogAppendBench -f 1 -wi 3 -i 5 -prof gc\"",
                    "# Run complete."),
            bench(
                    "docs/benchmarks.md",
                    "./mvnw -q -B test-compile exec:java@perf -Dperf.quick=true -Dperf.rounds=2",
                    "## Summary: issue 12's targets"),
            bench(
                    "docs/benchmarks.md",
                    "./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile exec:java@perf -Dperf.rounds=3"
                            + " -Dperf.duration=4",
                    "## Summary: issue 12's targets"),
            bench(
                    "docs/benchmarks.md",
                    "./mvnw -q -B test-compile exec:java@perf -Dperf.rounds=3$",
                    "## Summary: issue 12's targets"),
            bench(
                    "docs/benchmarks.md",
                    "./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile exec:java@perf"
                            + " -Dperf.phases=cluster",
                    "## Summary: issue 12's targets"),
            // the A/B's second run: an older commit's jar built in a git worktree next to the copy (WalkHistory)
            bench(
                    "docs/benchmarks.md",
                    "git worktree add ../nundb-3ac8619 3ac8619 && (cd ../nundb-3ac8619",
                    "## Summary: issue 12's targets"),
            bench(
                    "docs/security.md",
                    "./mvnw -B test -Dtest=FuzzHarnessTest -Dfuzz.seconds=1800",
                    "Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"));

    private WalkedBlocks() {}

    /** The entry that names {@code block}, or {@code null}. */
    static Walk of(MarkdownBlocks.Block block) {
        return LIST.stream().filter(w -> w.names(block)).findFirst().orElse(null);
    }

    private static Walk bench(String doc, String line, String prints) {
        return new Walk(doc, line, Needs.NOTHING, List.of(), prints);
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }
}
