package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Measured figures do not float free: every table of README.md and docs/benchmarks.md that holds
 * measurements (throughput or latency) has, in its section above it, the date it was measured on
 * and the command that produced it. And the docs use one admin password, the one the docs test's
 * server has.
 */
class DocsFiguresTest {

    /**
     * A measurement in a table cell: a cell that starts with a number and its throughput or latency
     * unit (a cell of prose that mentions "20 ms" is a description, not a figure).
     */
    private static final Pattern FIGURE = Pattern.compile("\\|\\s*\\**[\\d,.]+\\s?(ops/s|writes/s|µs|ms)\\b");

    private static final Pattern DATE = Pattern.compile("\\b20\\d\\d-\\d\\d-\\d\\d\\b");
    private static final Pattern COMMAND = Pattern.compile("\\./mvnw [^`]*exec:java");

    @Test
    void everyFigureTableHasItsDateAndCommand() throws Exception {
        List<String> undated = new ArrayList<>();
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs/benchmarks.md"))) {
            List<String> lines = Files.readAllLines(doc);
            int sectionStart = 0;
            boolean inCode = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    inCode = !inCode;
                }
                if (inCode) {
                    continue;
                }
                if (line.matches("^#{1,6} .*")) {
                    sectionStart = i;
                }
                boolean tableStart =
                        line.startsWith("|") && (i == 0 || !lines.get(i - 1).startsWith("|"));
                if (!tableStart) {
                    continue;
                }
                int end = i;
                while (end < lines.size() && lines.get(end).startsWith("|")) {
                    end++;
                }
                String table = String.join("\n", lines.subList(i, end));
                if (!FIGURE.matcher(table).find()) {
                    continue;
                }
                String above = String.join("\n", lines.subList(sectionStart, i));
                if (!DATE.matcher(above).find() || !COMMAND.matcher(above).find()) {
                    undated.add(doc + ":" + (i + 1) + " (" + line + ")");
                }
            }
        }
        assertThat(undated)
                .as("tables of measured figures without a date (YYYY-MM-DD) and the ./mvnw … exec:java command"
                        + " that produced them in their section above the table")
                .isEmpty();
    }

    /** Passwords given to the admin in commands: {@code auth nun X}, {@code -u nun:X}, {@code -p X}, {@code NUN_PWD=X}. */
    private static final Pattern PASSWORD = Pattern.compile(
            "auth nun ([^\\s;'\"`]+)|-u nun:([^\\s'\"`]+)|nun-db[^\\n]* -p ([^\\s'\"`]+)|NUN_PWD=([^\\s'\"`]+)"
                    + "|--nundb\\.pwd=([^\\s'\"`]+)");

    @Test
    void theDocsUseOneAdminPassword() throws Exception {
        List<String> others = new ArrayList<>();
        int seen = 0;
        for (Path doc : MarkdownBlocks.documents()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                var m = PASSWORD.matcher(lines.get(i));
                while (m.find()) {
                    String pwd = null;
                    for (int g = 1; g <= m.groupCount() && pwd == null; g++) {
                        pwd = m.group(g);
                    }
                    seen++;
                    if (!pwd.equals(DocServer.ADMIN_PWD) && !pwd.startsWith("$") && !pwd.equals("…")) {
                        others.add(doc + ":" + (i + 1) + ": " + pwd);
                    }
                }
            }
        }
        assertThat(seen).as("admin passwords found in the docs").isGreaterThan(10);
        assertThat(others)
                .as("the docs give the admin '%s' (or $NUN_PWD) everywhere", DocServer.ADMIN_PWD)
                .isEmpty();
    }
}
