package io.nundb.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nun-db}: NunDB's command line ({@code exec}, {@code create-db}, {@code start}) with the same
 * flags, plus {@code shell}, {@code watch}, {@code health} and {@code import}. Exit codes: 0 success, 1 the server
 * answered with an error, 2 usage error, 3 authentication failed, 4 server unreachable.
 */
@Command(
        name = "nun-db",
        mixinStandardHelpOptions = false,
        versionProvider = NunDbCli.Version.class,
        synopsisSubcommandLabel = "VERB",
        usageHelpWidth = 110,
        description = {
            "Client and launcher for the NunDB-compatible server.",
            "Admin credentials default to the NUN_USER / NUN_PWD environment variables."
        },
        subcommands = {
            ExecCommand.class,
            CreateDbCommand.class,
            StartCommand.class,
            ShellCommand.class,
            WatchCommand.class,
            HealthCommand.class,
            ImportCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 1 the server answered with an error, 2 usage error,",
            "            3 wrong user or password / token, 4 server unreachable.",
            "",
            "Examples:",
            "  nun-db -u nun -p nun-pwd exec \"create-db demo demo-token; use-db demo demo-token; set k 1; get k\"",
            "  nun-db -u nun -p nun-pwd create-db -d demo -t demo-token",
            "  nun-db -u nun -p nun-pwd start --http-address 0.0.0.0:3013 --tcp-address 0.0.0.0:3014",
            "  nun-db -u nun -p nun-pwd shell --tcp localhost:3014",
            "  nun-db -h http://localhost:3013 health --probe readiness",
            "  nun-db watch name counter --db demo --token demo-token",
            "  nun-db import --from /var/lib/nundb --to dbs"
        })
public final class NunDbCli implements Runnable {

    static final int EXIT_OK = 0;
    static final int EXIT_SERVER_ERROR = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_AUTH = 3;
    static final int EXIT_UNREACHABLE = 4;

    static final String DEFAULT_HOST = "http://localhost:3013";
    static final String DEFAULT_TCP = "localhost:3014";

    @Option(
            names = {"-u", "--user"},
            description = "Admin user (default: $NUN_USER, else nun).",
            defaultValue = "${env:NUN_USER:-nun}")
    String user;

    @Option(
            names = "-p",
            description = "Admin password (default: $NUN_PWD).",
            defaultValue = "${env:NUN_PWD}",
            arity = "1")
    String password;

    @Option(
            names = {"-h", "--host"},
            description =
                    "Server HTTP URL for exec, create-db and health (default: http://$NUN_HTTP_ADDR when set, else "
                            + DEFAULT_HOST + ").")
    String host;

    @Option(names = "--help", usageHelp = true, description = "Show this help (also: nun-db help VERB).")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print the version.")
    boolean version;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final InputStream in;
    ConfigurableApplicationContext server;

    NunDbCli(InputStream in) {
        this.in = in;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing VERB");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** --host, else this machine's NUN_HTTP_ADDR (so a container's HEALTHCHECK follows it), else localhost. */
    String host() {
        if (host != null && !host.isBlank()) {
            return host;
        }
        String local = localAddress(System.getenv("NUN_HTTP_ADDR"));
        return local == null ? DEFAULT_HOST : "http://" + local;
    }

    /** --tcp of shell and watch when not given: NUN_TCP_ADDR when set, else localhost:3014. */
    static String defaultTcp() {
        String local = localAddress(System.getenv("NUN_TCP_ADDR"));
        return local == null ? DEFAULT_TCP : local;
    }

    /** A bind address as a place to connect to: the wildcard becomes the loopback address. */
    static String localAddress(String bind) {
        if (bind == null || bind.isBlank()) {
            return null;
        }
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String h = bind.substring(0, colon);
        if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("[::]") || h.equals("::")) {
            h = "127.0.0.1";
        }
        return h + bind.substring(colon);
    }

    /** The admin password, or a usage error naming the flag. */
    String requirePassword() {
        if (password == null || password.isEmpty()) {
            throw new CliException(EXIT_USAGE, "no admin password: pass -p PASSWORD or set NUN_PWD");
        }
        return password;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        NunDbCli cli = new NunDbCli(System.in);
        int code = execute(cli, args, out, err);
        if (cli.server == null || code != EXIT_OK) {
            System.exit(code);
        }
        // start: the server's non-daemon threads keep the JVM up until it is stopped.
    }

    /** Runs one invocation; the caller decides whether to exit (tests do not). */
    static int execute(NunDbCli cli, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(cli);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException ce) {
                commandLine.getErr().println("nun-db: " + ce.getMessage());
                return ce.exitCode();
            }
            commandLine.getErr().println("nun-db: " + e);
            return EXIT_SERVER_ERROR;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            String message = e.getMessage();
            if (e instanceof CommandLine.UnmatchedArgumentException u
                    && c.getCommandSpec().subcommands().size() > 0
                    && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown verb '" + u.getUnmatched().get(0) + "' (verbs: "
                        + String.join(", ", c.getSubcommands().keySet()) + ")";
            }
            c.getErr().println("nun-db: " + message);
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NunDbCli.class.getPackage().getImplementationVersion();
            return new String[] {"nun-db " + (v == null ? "(development build)" : v)};
        }
    }
}
