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
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
 *       end of the block. A {@code $ curl -N …} column is a command that streams until stopped: its
 *       non-blank lines are what it prints;
 *   <li>a <b>shell</b> block runs each command with bash in the project directory: either lines
 *       {@code $ command} each followed by its output, or plain command lines each followed by its
 *       output as {@code # } comment lines. A command shown without output only has to succeed. Marked
 *       {@code script}, the block runs as one bash script ({@link #runScript});
 *   <li>{@code target/nun-db} is the CLI class on this test's classpath, and {@code NUN_PWD},
 *       {@code NUN_HTTP_ADDR}, {@code NUN_TCP_ADDR}, {@code NUN_WS_ADDR} point at the server;
 *   <li>{@code /tmp/} in a command is a directory of the test's own (and is shown as {@code /tmp/}
 *       again in what the command prints), so an example leaves nothing behind and runs again.
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
        if (first.startsWith("$ nc ") || first.startsWith("$ websocat ") || first.startsWith("$ curl -N ")) {
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
        for (String h : List.of("$ nc ", "$ websocat ", "$ curl -N ")) {
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
        } else if (words[1].equals("curl")) {
            s = new StreamSession(shell(header.substring(2), null));
        } else {
            throw new AssertionError(block.where() + ": a session starts with '$ nc <host> <port>', "
                    + "'$ websocat <url>' or '$ curl -N …', not " + header);
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

    /**
     * A command that streams until stopped ({@code curl -N}, server-sent events): what it prints, line
     * by line; blank lines (between events) and {@code :keep-alive} comments are not shown in docs.
     */
    private static final class StreamSession implements Session {
        private final Process process;
        private final BufferedReader in;
        private final java.util.concurrent.BlockingQueue<String> lines =
                new java.util.concurrent.LinkedBlockingQueue<>();

        StreamSession(Process process) {
            this.process = process;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(this::pump, "docs-stream");
            reader.setDaemon(true);
            reader.start();
        }

        private void pump() {
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank() && !line.startsWith(":keep-alive")) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process was stopped
            }
            lines.add("<the command ended>");
        }

        @Override
        public void send(String line) {
            throw new AssertionError("a streaming command's column only shows output, nothing is typed into it");
        }

        @Override
        public String next() throws IOException {
            try {
                String line = lines.poll(10, TimeUnit.SECONDS);
                return line == null ? "<nothing within 10 s>" : line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- shell ----

    /** {@code command} run by bash in the project directory against {@code ports}, with the CLI's environment. */
    private Process shell(String command, Path stdout) throws IOException {
        return shell(command, server.ports(), stdout, null);
    }

    private Process shell(String command, Map<String, Integer> ports, Path stdout, Path stderr) throws IOException {
        String text = DocServer.substitute(command, ports)
                .replace("/tmp/", tmp() + "/")
                .replace("target/nun-db", cli().toString());
        ProcessBuilder b = new ProcessBuilder("bash", "-c", text)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        b.redirectOutput(stdout == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(stdout.toFile()));
        b.redirectError(stderr == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stderr.toFile()));
        // As a user who started the server as the README says: the CLI's defaults point at it.
        Map<String, String> env = b.environment();
        // `java` in an example is the JDK running the test, as for a user whose PATH has one.
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator + env.get("PATH"));
        env.put("NUN_PWD", DocServer.ADMIN_PWD);
        env.put("NUN_WS_ADDR", "127.0.0.1:" + ports.get("3012"));
        env.put("NUN_HTTP_ADDR", "127.0.0.1:" + ports.get("3013"));
        env.put("NUN_TCP_ADDR", "127.0.0.1:" + ports.get("3014"));
        if (ports.containsKey("3015")) {
            env.put("NUN_RSOCKET_ADDR", "127.0.0.1:" + ports.get("3015"));
        }
        return b.start();
    }

    /** Where {@code /tmp/} in examples points: the test's own directory, so nothing is left behind. */
    private Path tmp() throws IOException {
        return Files.createDirectories(scratch.resolve("tmp"));
    }

    /** What a command printed, with the test's {@link #tmp} shown as the {@code /tmp/} the example wrote. */
    private String asShown(String printed) throws IOException {
        return printed.replace(tmp() + "/", "/tmp/");
    }

    /**
     * {@code target/nun-db} in examples: the same CLI main class the packaged launcher runs, on this
     * test's classpath (the launcher script itself needs {@code ./mvnw package}).
     */
    private Path cli() throws IOException {
        Path script = scratch.resolve("nun-db");
        if (!Files.exists(script)) {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.writeString(
                    script,
                    "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                            + System.getProperty("java.class.path") + "' io.nundb.cli.NunDbCli \"$@\"\n");
            script.toFile().setExecutable(true);
        }
        return script;
    }

    private record Step(int line, String command, List<String> output) {}

    private void runShell(MarkdownBlocks.Block block) throws Exception {
        if (block.script()) {
            runScript(block);
            return;
        }
        for (Step step : steps(block)) {
            String where = block.file() + ":" + step.line();
            Path out = Files.createTempFile(scratch, "out-", ".txt");
            Path err = Files.createTempFile(scratch, "err-", ".txt");
            Process p = shell(step.command(), server.ports(), out, err);
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String stdout = asShown(Files.readString(out, StandardCharsets.UTF_8));
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

    /**
     * A {@code script} block: one bash script with {@code set -e}, so it must end with exit code 0
     * (traced with {@code -x}: a failure's report shows the command that failed, and the logs the
     * script wrote under {@code /tmp/});
     * background jobs it leaves are stopped, and waited for, when it ends. A script that starts a server of its own
     * ({@code nun-db … start}) gets free ports of its own for the documented ones. A free port can be
     * taken by another test between the probe and the server's bind: when the server reports that
     * (its log says a port "is already in use"), the script runs again on other ports, up to three times.
     */
    private void runScript(MarkdownBlocks.Block block) throws Exception {
        String text = String.join("\n", block.lines());
        boolean ownServer = text.matches("(?s).*nun-db\\b[^\\n]* start\\b.*");
        for (int attempt = 1; ; attempt++) {
            Map<String, Integer> ports = server.ports();
            if (ownServer) {
                ports = new java.util.HashMap<>();
                // 9013: the management port docs/operations.md gives Actuator.
                for (String documented : List.of("3012", "3013", "3014", "3015", "9013")) {
                    ports.put(documented, freePort());
                }
            }
            Path out = Files.createTempFile(scratch, "out-", ".txt");
            Path err = Files.createTempFile(scratch, "err-", ".txt");
            // only this attempt's logs count (a second back: file times are coarse on some file systems)
            FileTime started = FileTime.fromMillis(System.currentTimeMillis() - 1000);
            Process p = shell("set -ex\ntrap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n" + text, ports, out, err);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            boolean portTaken = false;
            while (!p.waitFor(1, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
                if (ownServer && scriptLogs(started).contains("is already in use")) {
                    portTaken = true;
                    break;
                }
            }
            boolean done = !p.isAlive();
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String logs = scriptLogs(started);
            // also when the script gave up by itself (a check after the server's start failed)
            portTaken |= ownServer && done && p.exitValue() != 0 && logs.contains("is already in use");
            if (portTaken && attempt < 3) {
                System.out.println(block.where() + ": a port was taken before the server bound it; again on others");
                for (Path log : logsSince(started)) {
                    Files.deleteIfExists(log);
                }
                continue;
            }
            String context = block.where() + " (a script, attempt " + attempt + ")\nstdout:\n"
                    + Files.readString(out, StandardCharsets.UTF_8)
                    + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8)
                    + "\nlogs under /tmp/:\n" + logs;
            assertThat(done).as("finished within 4 minutes: " + context).isTrue();
            assertThat(p.exitValue()).as("exit code of " + context).isZero();
            return;
        }
    }

    /** The {@code *.log} files under {@code /tmp/} written since {@code since}, each under its name. */
    private String scriptLogs(FileTime since) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path f : logsSince(since)) {
            all.append("== ").append(f.getFileName()).append('\n');
            all.append(Files.readString(f, StandardCharsets.ISO_8859_1)).append('\n');
        }
        return all.toString();
    }

    private List<Path> logsSince(FileTime since) throws IOException {
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(tmp())) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                if (Files.getLastModifiedTime(f).compareTo(since) >= 0) {
                    logs.add(f);
                }
            }
        }
        return logs;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
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
