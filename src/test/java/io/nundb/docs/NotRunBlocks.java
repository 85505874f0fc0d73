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
