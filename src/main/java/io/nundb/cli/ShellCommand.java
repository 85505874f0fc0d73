package io.nundb.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * An interactive session over TCP, like redis-cli: type commands, see every reply and watch
 * notification as it arrives. Keeps an in-memory history ({@code history}, {@code !!}, {@code !N}).
 */
@Command(
        name = "shell",
        description = {
            "Interactive session over TCP (replies and watch notifications as they arrive).",
            "Authenticates as admin when -p (or NUN_PWD) is given.",
            "Shell commands: history, !! (repeat last), !N (repeat entry N), help, exit/quit."
        })
final class ShellCommand implements Callable<Integer> {

    private static final long REPLY_WAIT_MS = 10_000;

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Option(
            names = "--tcp",
            paramLabel = "HOST:PORT",
            description = "Server TCP address (default: NUN_TCP_ADDR when set, else " + NunDbCli.DEFAULT_TCP + ").")
    String tcp;

    @Option(names = "--db", paramLabel = "NAME", description = "Select this database on connect (with --token).")
    String db;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Token of --db.")
    String token;

    private final List<String> history = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition replied = lock.newCondition();
    private long finals;
    private boolean closed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = cli.out();
        try (TcpConnection conn = TcpConnection.open(tcp == null ? NunDbCli.defaultTcp() : tcp)) {
            if (cli.password != null && !cli.password.isEmpty()) {
                List<String> lines = conn.call("auth " + cli.user + " " + cli.password, NunDbCli.EXIT_AUTH);
                if (!lines.contains("valid auth")) {
                    throw new CliException(NunDbCli.EXIT_AUTH, "authentication failed: wrong user or password");
                }
            }
            if (db != null) {
                conn.call("use-db " + db + " " + (token == null ? "" : token), NunDbCli.EXIT_AUTH);
            }
            out.println("Connected to " + conn.address() + ". Type 'help' for shell commands, 'exit' to leave.");
            Thread reader = new Thread(() -> pump(conn, out), "nun-db-shell-reader");
            reader.setDaemon(true);
            reader.start();
            return loop(conn, out);
        }
    }

    private int loop(TcpConnection conn, PrintWriter out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
        long sent = 0;
        // A prompt only for a person at a terminal; piped input gets the server's lines alone.
        boolean prompt = cli.in == System.in && System.console() != null;
        while (true) {
            if (prompt) {
                out.print("nun-db> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null) {
                break;
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("exit") || line.equals("quit")) {
                break;
            }
            if (line.equals("help")) {
                out.println("Any NunDB command (auth, use-db, get, set, watch, keys, …) is sent as typed.");
                out.println(
                        "history: list this session's commands; !!: repeat the last; !N: repeat entry N; exit: leave.");
                continue;
            }
            if (line.equals("history")) {
                for (int i = 0; i < history.size(); i++) {
                    out.printf("%4d  %s%n", i + 1, history.get(i));
                }
                continue;
            }
            if (line.startsWith("!")) {
                String recalled = recall(line);
                if (recalled == null) {
                    out.println("no such history entry: " + line);
                    continue;
                }
                out.println(recalled);
                line = recalled;
            }
            history.add(line);
            conn.send(line);
            sent++;
            if (!awaitReplies(sent)) {
                if (isClosed()) {
                    throw new CliException(NunDbCli.EXIT_UNREACHABLE, conn.address() + " closed the connection");
                }
                out.println("(no reply yet; it will be shown when it arrives)");
            }
        }
        awaitReplies(sent);
        return NunDbCli.EXIT_OK;
    }

    private String recall(String line) {
        if (line.equals("!!")) {
            return history.isEmpty() ? null : history.get(history.size() - 1);
        }
        try {
            int n = Integer.parseInt(line.substring(1));
            return n >= 1 && n <= history.size() ? history.get(n - 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Prints everything the server sends, and counts final replies so the prompt can wait for them. */
    private void pump(TcpConnection conn, PrintWriter out) {
        try {
            String line;
            while ((line = conn.readLine()) != null) {
                out.println(line);
                out.flush();
                if (TcpConnection.isTerminal(line)) {
                    lock.lock();
                    try {
                        finals++;
                        replied.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (IOException e) {
            // the connection ended; the prompt loop reports it
        }
        lock.lock();
        try {
            closed = true;
            replied.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitReplies(long sent) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_WAIT_MS);
        lock.lock();
        try {
            while (finals < sent && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                replied.awaitNanos(left);
            }
            return finals >= sent;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
