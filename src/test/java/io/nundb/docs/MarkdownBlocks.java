package io.nundb.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fenced code blocks of a Markdown file. A block is <em>runnable</em> when its info string has
 * the word {@code runnable} (```` ```sh runnable ````, ```` ```text runnable ````): the docs test
 * runs it. Plain Java, run on the test thread.
 */
record MarkdownBlocks(Path file, List<Block> blocks) {

    /** One fenced block: its info string, the line of its opening fence (1-based) and its lines. */
    record Block(Path file, int line, String info, List<String> lines) {

        boolean runnable() {
            return Arrays.asList(info.trim().split("\\s+")).contains("runnable");
        }

        /** Marked {@code browser}: a page or script {@link DocsBrowserTest} runs in Chromium. */
        boolean browser() {
            return Arrays.asList(info.trim().split("\\s+")).contains("browser");
        }

        /**
         * Marked {@code jar} too: needs the packaged jar ({@code target/nundb-jvm-*.jar}), so
         * {@link DocsPackagedJarIT} runs it after {@code package} instead of {@link DocsExamplesTest}.
         */
        boolean packagedJar() {
            return Arrays.asList(info.trim().split("\\s+")).contains("jar");
        }

        /** Marked {@code script} too: run as one bash script (README.md, "Docs that run"). */
        boolean script() {
            return Arrays.asList(info.trim().split("\\s+")).contains("script");
        }

        String language() {
            return info.trim().split("\\s+")[0];
        }

        String where() {
            return file + ":" + line;
        }

        String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    static MarkdownBlocks read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```")) {
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                body.add(lines.get(i));
            }
            blocks.add(new Block(file, start + 1, line.substring(3), body));
        }
        return new MarkdownBlocks(file, blocks);
    }

    /** The runnable blocks {@link DocsExamplesTest} runs: all but those that need the packaged jar. */
    List<Block> runnable() {
        return blocks.stream().filter(b -> b.runnable() && !b.packagedJar()).toList();
    }

    /** The runnable blocks that need the packaged jar ({@link DocsPackagedJarIT}). */
    List<Block> runnableWithJar() {
        return blocks.stream().filter(b -> b.runnable() && b.packagedJar()).toList();
    }

    /** The documents (README first) where {@code which} finds blocks, e.g. {@code MarkdownBlocks::runnable}. */
    static Stream<Path> documentsWith(java.util.function.Function<MarkdownBlocks, List<Block>> which)
            throws IOException {
        return documents().stream().filter(p -> {
            try {
                return !which.apply(read(p)).isEmpty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** README.md and every docs/*.md, README first. */
    static List<Path> documents() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }
}
