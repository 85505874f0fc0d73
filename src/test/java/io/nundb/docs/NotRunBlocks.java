package io.nundb.docs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fenced blocks of README.md and docs/*.md that {@link DocsExamplesTest} does not run, each with
 * its kind and why (README.md, "Docs that run"). A block is named by its document and its first
 * line; every other block must be marked {@code runnable} or {@code browser}, or be walked (builds,
 * servers on the default ports, Docker: {@link WalkedBlocks}, run by {@link DocsCommandWalkIT}).
 * Checked by {@link DocsCoverageTest}.
 */
final class NotRunBlocks {

    /** Why a block is not run. */
    enum Kind {
        /** Not a command: what something prints or contains. */
        OUTPUT,
        /** Not a command: a diagram or a file layout. */
        FIGURE,
        /** Code a test runs from its own copy (the test checks the copy is the block). */
        SOURCE,
        /** Runs Maven for longer than a build can wait (the walked builds are {@link WalkedBlocks}). */
        BUILD,
        /** A benchmark: minutes of load, figures that depend on the machine. */
        BENCH,
        /** Needs a Kubernetes cluster; the chart is rendered and checked by the Helm tests. */
        KUBERNETES,
        /** Code for a browser page or a JVM application, not a command. */
        CLIENT_CODE,
        /** Needs data a user brings. */
        USER_DATA
    }

    record Reason(Kind kind, String why) {
        @Override
        public String toString() {
            return kind + ": " + why;
        }
    }

    private static final String SMOKE = WalkedBlocks.SMOKE + "=1";

    static final Map<String, Reason> LIST = new LinkedHashMap<>();

    private static void add(String doc, String firstLine, Kind kind, String why) {
        LIST.put(doc + "|" + firstLine.strip(), new Reason(kind, why));
    }

    static {
        add(
                "README.md",
                "// One client watches `name`, a second client changes it. Run from the repository root after the",
                Kind.SOURCE,
                "src/test/js/readme-example.js, run by the next block; theReadmeShowsTheNodeExampleFileAsItIs"
                        + " checks the block is that file");
        add(
                "README.md",
                "client text ──► transport (tcp | ws | http | rsocket | rest)      thin adapters",
                Kind.FIGURE,
                "the write pipeline as a diagram");
        add(
                "docs/benchmarks.md",
                "./mvnw -q -B test-compile exec:exec@jmh -Djmh.args=\"OpLogAppendBench -f 1 -wi 3 -i 5 -prof gc\"",
                Kind.BENCH,
                "its -Djmh.args replaces the smoke defaults (" + SMOKE + ") with a fork and JMH's 10 s"
                        + " iterations: 3 benchmarks × 8 iterations × 10 s, 4 minutes of measurement");
        add(
                "docs/security.md",
                "./mvnw -B test -Dtest=FuzzHarnessTest                                   # CI: 60 s of fuzz, about 90 s in all",
                Kind.BUILD,
                "its second line asks for -Dfuzz.seconds=1800 explicitly, half an hour (an explicit -D wins over"
                        + " any smoke default); CI runs FuzzHarnessTest itself (the first line)");
        add(
                "docs/benchmarks.md",
                "./mvnw -q -B test-compile exec:java@perf -Dperf.quick=true -Dperf.rounds=2 -Dperf.duration=4 \\",
                Kind.BENCH,
                "its -Dperf.rounds=2 -Dperf.duration=4 and longer notify phases replace the smoke defaults (" + SMOKE
                        + "): minutes of load against Redis, once per server runtime");
        add(
                "docs/benchmarks.md",
                "./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile exec:java@perf -Dperf.rounds=3"
                        + " -Dperf.duration=4 \\",
                Kind.BENCH,
                "its -Dperf.rounds=3 -Dperf.duration=4 and longer notify phases replace the smoke defaults (" + SMOKE
                        + "): minutes of load on server processes against Redis");
        add(
                "docs/benchmarks.md",
                "./mvnw -q -B package -DskipTests",
                Kind.BENCH,
                "its second line's -Dperf.rounds=3 replaces the smoke default (" + SMOKE + "): three rounds of"
                        + " every phase on server processes, three-node clusters included, against Redis");
        add(
                "README.md",
                "helm install nundb helm/nundb --set image.repository=registry.example.com/nundb-jvm",
                Kind.KUBERNETES,
                "installs on a Kubernetes cluster; the Helm tests render and check the chart");
        add(
                "docs/transports.md",
                "// NunDB's RSocket door from Node: log in, set and get a key, watch it, and see a change made by a",
                Kind.SOURCE,
                "src/test/js/rsocket-example.js, run over TCP and WebSocket by RSocketNodeClientTest;"
                        + " DocsExamplesTest checks the block is that file");
        add(
                "docs/cluster.md",
                "command ──► WritePlacement: here (the ready primary) | forward to the primary | wait, then refuse",
                Kind.FIGURE,
                "where a write goes, as a diagram");
        add("docs/operations.md", "\"nundb\": {", Kind.OUTPUT, "part of /actuator/health/details");
        add(
                "docs/operations.md",
                "sum by (command) (rate(nundb_commands_seconds_count[1m]))",
                Kind.OUTPUT,
                "PromQL queries for Prometheus, not shell commands");
        add(
                "docs/operations.md",
                "helm install nundb helm/nundb --set image.repository=registry.example.com/nundb-jvm",
                Kind.KUBERNETES,
                "installs on a Kubernetes cluster; the Helm tests render and check the chart");
        add("docs/storage.md", "dbs/", Kind.FIGURE, "the data directory's layout");
        add(
                "docs/storage.md",
                "u32 payload length · u32 CRC32C of the payload · payload:",
                Kind.FIGURE,
                "the op log's record format");
        add(
                "docs/transports.md",
                "package io.nundb.docs;",
                Kind.SOURCE,
                "src/test/java/io/nundb/docs/RSocketJavaExample.java, run against a server by"
                        + " DocsJavaRSocketExampleTest; DocsExamplesTest checks the block is that file");
        add(
                "docs/benchmarks.md",
                "./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile exec:java@perf -Dperf.phases=cluster \\",
                Kind.BENCH,
                "ten minutes of load on three clusters, run twice (the second with -Dperf.jar= of an older build);"
                        + " the walk runs the perf bench itself in its smoke form from the README's block");
    }

    private NotRunBlocks() {}

    static String firstLine(MarkdownBlocks.Block block) {
        return block.lines().stream()
                .filter(l -> !l.isBlank())
                .findFirst()
                .orElse("")
                .strip();
    }

    static String key(MarkdownBlocks.Block block) {
        return block.file() + "|" + firstLine(block);
    }
}
