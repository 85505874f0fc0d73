package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.transport.ws.WsTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the runnable blocks of one document, in order, against one {@link DocServer}. The conventions
 * (README.md, "Docs that run"):
 *
 * <ul>
 *   <li>a <b>session</b> block starts with {@code $ nc 127.0.0.1 3014} or {@code $ websocat
 *       ws://localhost:3012}; lines starting with {@code > } are typed (a trailing
 *       {@code   (remark)} after two spaces is not), every other line is what the server sends next
 *       on that connection. Two sessions side by side (the second header further right on the first
 *       line) are two terminals; rows are run top to bottom, left column first. The connections close at the
 *       end of the block;
 *   <li>a <b>shell</b> block runs each command with bash in the project directory: either lines
 *       {@code $ command} each followed by its output, or plain command lines each followed by its
 *       output as {@code # } comment lines. A command shown without output only has to succeed.
 * </ul>
 *
 * In shown output {@code …} stands for any text (a line of only {@code …}: any number of lines);
 * trailing spaces are ignored. Ports 3012–3014 in
 * commands and headers are replaced by the server's. Runs on the test thread.
 */
final class BlockRunner implements AutoCloseable {

    private static final Pattern REMARK = Pattern.compile("\\s{2,}\\(.*\\)$");

    private final DocServer server;
    private final Path scratch;
    private final List<AutoCloseable> sessions = new ArrayList<>();

    BlockRunner(DocServer server, Path scratch) {
        this.server = server;
        this.scratch = scratch;
    }

    void run(MarkdownBlocks.Block block) throws Exception {
        String first = block.lines().isEmpty() ? "" : block.lines().get(0);
        if (first.startsWith("$ nc ") || first.startsWith("$ websocat ")) {
            runSession(block);
        } else {
            runShell(block);
        }
    }

    // ---- sessions ----

    private interface Session extends AutoCloseable {
        void send(String line) throws IOException;

        /** The next line (TCP) or frame without its final LF (WebSocket); fails after 10 s. */
        String next() throws IOException;
    }

    private void runSession(MarkdownBlocks.Block block) throws Exception {
        List<String> rows = block.lines();
        String header = rows.get(0);
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (String h : List.of("$ nc ", "$ websocat ")) {
            int at = header.indexOf(h, 1);
            if (at > 0) {
                starts.add(at);
            }
        }
        List<Session> columns = new ArrayList<>();
        for (int c = 0; c < starts.size(); c++) {
            columns.add(open(cell(header, starts, c), block));
        }
        for (int r = 1; r < rows.size(); r++) {
            for (int c = 0; c < starts.size(); c++) {
                String cell = cell(rows.get(r), starts, c);
                if (cell.isEmpty()) {
                    continue;
                }
                String where = block.file() + ":" + (block.line() + 1 + r) + " (terminal " + (c + 1) + ")";
                if (cell.startsWith("> ")) {
                    columns.get(c).send(REMARK.matcher(cell.substring(2)).replaceFirst(""));
                } else {
                    String got = columns.get(c).next();
                    assertThat(matches(cell, got))
                            .as("%s: expected %s but the server sent %s", where, cell, got)
                            .isTrue();
                }
            }
        }
        for (Session s : columns) {
            s.close();
            sessions.remove(s);
        }
    }

    private static String cell(String row, List<Integer> starts, int c) {
        int from = starts.get(c);
        int to = c + 1 < starts.size() ? starts.get(c + 1) : row.length();
        if (from >= row.length()) {
            return "";
        }
        return row.substring(from, Math.min(to, row.length())).strip();
    }

    private Session open(String header, MarkdownBlocks.Block block) throws IOException {
        String[] words = header.split("\\s+");
        Session s;
        if (words[1].equals("nc") && words.length == 4) {
            s = new TcpSession(server.port(words[3]));
        } else if (words[1].equals("websocat") && words.length == 3) {
            s = new WsSession(new WsTestClient(server.substitute(words[2])));
        } else {
            throw new AssertionError(block.where() + ": a session starts with '$ nc <host> <port>' or "
                    + "'$ websocat <url>', not " + header);
        }
        sessions.add(s);
        return s;
    }

    private static final class TcpSession implements Session {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final OutputStream out;

        TcpSession(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        @Override
        public void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public String next() throws IOException {
            String line = in.readLine();
            return line == null ? "<connection closed>" : line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private record WsSession(WsTestClient client) implements Session {
        @Override
        public void send(String line) {
            client.send(line);
        }

        @Override
        public String next() {
            String frame = client.poll(10, TimeUnit.SECONDS);
            return frame == null ? "<no frame within 10 s>" : frame.replaceFirst("\n$", "");
        }

        @Override
        public void close() {
            client.close();
        }
    }

    // ---- shell ----

    private record Step(int line, String command, List<String> output) {}

    private void runShell(MarkdownBlocks.Block block) throws Exception {
        for (Step step : steps(block)) {
            String where = block.file() + ":" + step.line();
            Path out = Files.createTempFile(scratch, "out-", ".txt");
            Path err = Files.createTempFile(scratch, "err-", ".txt");
            Process p = new ProcessBuilder("bash", "-c", server.substitute(step.command()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String context = where + ": " + step.command() + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
            assertThat(done).as("finished within 60 s: " + context).isTrue();
            assertThat(p.exitValue()).as("exit code of " + context).isZero();
            if (!step.output().isEmpty()) {
                List<String> got = stdout.isEmpty() ? List.of() : List.of(stdout.split("\n", -1));
                if (!got.isEmpty() && got.get(got.size() - 1).isEmpty()) {
                    got = got.subList(0, got.size() - 1);
                }
                assertThat(matchesAll(step.output(), got))
                        .as(
                                "%s\nshown:\n%s\ngot:\n%s",
                                where + ": " + step.command(), String.join("\n", step.output()), stdout)
                        .isTrue();
            }
        }
    }

    private static List<Step> steps(MarkdownBlocks.Block block) {
        List<String> lines = block.lines();
        boolean prompted = lines.stream().anyMatch(l -> l.startsWith("$ "));
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (!prompted && line.startsWith("#"))) {
                continue;
            }
            int at = block.line() + 1 + i;
            StringBuilder command = new StringBuilder(prompted ? line.substring(2) : line);
            while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
                command.setLength(command.length() - 1);
                command.append(' ').append(lines.get(++i).strip());
            }
            List<String> output = new ArrayList<>();
            while (i + 1 < lines.size()) {
                String next = lines.get(i + 1);
                if (prompted ? next.startsWith("$ ") : !next.startsWith("#")) {
                    break;
                }
                output.add(prompted ? next : next.replaceFirst("^# ?", ""));
                i++;
            }
            steps.add(new Step(at, command.toString().strip(), output));
        }
        return steps;
    }

    // ---- matching ----

    static boolean matches(String shown, String got) {
        String[] parts = shown.stripTrailing().split("…", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL)
                .matcher(got.stripTrailing())
                .matches();
    }

    /** Line by line; a shown line that is only {@code …} stands for any number of lines. */
    static boolean matchesAll(List<String> shown, List<String> got) {
        if (shown.isEmpty()) {
            return got.isEmpty();
        }
        if (shown.get(0).strip().equals("…")) {
            for (int skip = 0; skip <= got.size(); skip++) {
                if (matchesAll(shown.subList(1, shown.size()), got.subList(skip, got.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !got.isEmpty()
                && matches(shown.get(0), got.get(0))
                && matchesAll(shown.subList(1, shown.size()), got.subList(1, got.size()));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable s : sessions) {
            s.close();
        }
    }
}
