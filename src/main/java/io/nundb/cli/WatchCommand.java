package io.nundb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Watches keys over TCP and prints each change as it arrives ({@code changed …} / {@code removed …}). */
@Command(
        name = "watch",
        description = {
            "Print changes of keys as they arrive (over TCP).",
            "Prints 'changed KEY VALUE' and 'removed KEY' lines until interrupted or --count changes."
        })
final class WatchCommand implements Callable<Integer> {

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Parameters(arity = "1..*", paramLabel = "KEY", description = "Keys to watch.")
    List<String> keys;

    @Option(names = "--db", required = true, paramLabel = "NAME", description = "Database.")
    String db;

    @Option(
            names = "--token",
            required = true,
            paramLabel = "TOKEN",
            description = "Database token (or user token with --db-user).")
    String token;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user (use-db NAME USER TOKEN).")
    String dbUser;

    @Option(
            names = "--tcp",
            paramLabel = "HOST:PORT",
            description = "Server TCP address (default: NUN_TCP_ADDR when set, else " + NunDbCli.DEFAULT_TCP + ").")
    String tcp;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Exit after N changes (0: never).")
    long count;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = cli.out();
        try (TcpConnection conn = TcpConnection.open(tcp == null ? NunDbCli.defaultTcp() : tcp)) {
            String useDb = "use-db " + db + " " + (dbUser == null ? "" : dbUser + " ") + token;
            conn.call(useDb, NunDbCli.EXIT_AUTH);
            for (String key : keys) {
                conn.call("watch " + key, NunDbCli.EXIT_SERVER_ERROR);
            }
            cli.err().println("watching " + String.join(", ", keys) + " in " + db + " (Ctrl-C to stop)");
            cli.err().flush();
            long seen = 0;
            String line;
            while ((line = conn.readLine()) != null) {
                if (line.startsWith("changed ") || line.startsWith("removed ")) {
                    out.println(line);
                    out.flush();
                    if (count > 0 && ++seen >= count) {
                        return NunDbCli.EXIT_OK;
                    }
                } else if (line.startsWith("error ")) {
                    throw new CliException(
                            NunDbCli.EXIT_SERVER_ERROR,
                            line.substring("error ".length()).trim());
                }
            }
            throw new CliException(NunDbCli.EXIT_UNREACHABLE, conn.address() + " closed the connection");
        }
    }
}
