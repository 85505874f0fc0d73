package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nundb.testing.NodeScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every fenced block marked {@code runnable} in README.md and docs/*.md, in order, against a
 * fresh server per document (port 0, its own data directory), and compares what comes back with
 * what the document shows. The conventions are in {@link BlockRunner} and in README.md
 * ("Docs that run"). A block that runs {@code node} needs Node and the npm packages: without them
 * the document's remaining blocks are skipped with the reason (keep Node blocks last).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DocsExamplesTest {

    static Stream<Path> documentsWithRunnableBlocks() throws Exception {
        return MarkdownBlocks.documentsWith(MarkdownBlocks::runnable);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentsWithRunnableBlocks")
    void theRunnableBlocksRunAsShown(Path document, @TempDir Path dir) throws Exception {
        runInOrder(MarkdownBlocks.read(document).runnable(), dir);
    }

    /**
     * Runs {@code blocks} in order against one new {@link DocServer} (data and scratch directories in
     * {@code dir}); a block that needs Node or curl where there is none skips it and the rest, with why.
     */
    static void runInOrder(List<MarkdownBlocks.Block> blocks, Path dir) throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        try (DocServer server = new DocServer(data);
                BlockRunner runner = new BlockRunner(server, scratch)) {
            for (MarkdownBlocks.Block block : blocks) {
                if (block.lines().stream().anyMatch(l -> l.matches("^(\\$ )?node .*"))) {
                    NodeScripts.assumeReady(block.where() + " (runs node) and the blocks after it");
                }
                if (block.lines().stream().anyMatch(l -> l.matches("^(.*\\s)?(\\$ )?curl .*"))) {
                    assumeTrue(
                            onPath("curl") && onPath("bash"),
                            "bash or curl is not on the PATH: " + block.where() + " and the blocks after it skipped");
                }
                runner.run(block);
            }
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null
                && Stream.of(path.split(java.io.File.pathSeparator))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    @Test
    void theKeyDocumentsHaveRunnableExamples() throws Exception {
        assertThat(MarkdownBlocks.read(Path.of("README.md")).runnable()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(MarkdownBlocks.read(Path.of("docs/tcp.md")).runnable()).isNotEmpty();
        assertThat(MarkdownBlocks.read(Path.of("docs/transports.md")).runnable())
                .hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void theReadmeShowsTheNodeExampleFileAsItIs() throws Exception {
        assertShowsScript(Path.of("README.md"), "readme-example.js");
    }

    @Test
    void theTransportsDocShowsTheRSocketNodeExampleFileAsItIs() throws Exception {
        assertShowsScript(Path.of("docs/transports.md"), "rsocket-example.js");
    }

    @Test
    void theTransportsDocShowsTheJavaRSocketExampleFileAsItIs() throws Exception {
        assertShowsFile(
                Path.of("docs/transports.md"), "java", Path.of("src/test/java/io/nundb/docs/RSocketJavaExample.java"));
    }

    private static void assertShowsScript(Path document, String script) throws Exception {
        assertShowsFile(document, "js", NodeScripts.JS_DIR.resolve(script));
    }

    /** The document has a block in {@code language} that is the file's text exactly (a test runs the file). */
    private static void assertShowsFile(Path document, String language, Path source) throws Exception {
        String file = Files.readString(source, StandardCharsets.UTF_8);
        assertThat(MarkdownBlocks.read(document).blocks())
                .as(document + " has a ```" + language + " block with " + source + " exactly")
                .anySatisfy(b -> {
                    assertThat(b.language()).isEqualTo(language);
                    assertThat(b.text()).isEqualTo(file);
                });
    }

    @Test
    void sessionLinesMatchWithEllipsisAndTrailingSpaces() {
        assertThat(BlockRunner.matches("ok", "ok ")).isTrue();
        assertThat(BlockRunner.matches("value-version … mateus", "value-version 3 mateus"))
                .isTrue();
        assertThat(BlockRunner.matches("value-version … mateus", "value-version 3 jose"))
                .isFalse();
        assertThat(BlockRunner.matches("ok", "error x")).isFalse();
        assertThat(BlockRunner.matchesAll(List.of("…", "done"), List.of("a", "b", "done")))
                .isTrue();
        assertThat(BlockRunner.matchesAll(List.of("…", "done"), List.of("done")))
                .isTrue();
        assertThat(BlockRunner.matchesAll(List.of("a", "done"), List.of("a", "b", "done")))
                .isFalse();
    }
}
