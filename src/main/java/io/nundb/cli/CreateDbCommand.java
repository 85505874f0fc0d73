package io.nundb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** NunDB's {@code create-db}: creates a database over HTTP and prints the reply. */
@Command(
        name = "create-db",
        description = {
            "Create a database over HTTP as admin.",
            "POSTs 'auth USER PWD; create-db NAME TOKEN;' to --host."
        })
final class CreateDbCommand implements Callable<Integer> {

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Option(
            names = {"-d", "--db-name"},
            required = true,
            paramLabel = "NAME",
            description = "Database name.")
    String name;

    @Option(
            names = {"-t", "--db-token"},
            required = true,
            paramLabel = "TOKEN",
            description = "Database token.")
    String token;

    @Override
    public Integer call() {
        String body = "auth " + cli.user + " " + cli.requirePassword() + "; create-db " + name + " " + token + ";";
        String reply = HttpClientCommands.post(cli.host(), body);
        cli.out().println("Response " + RustDebug.quote(reply));
        if (reply.startsWith("invalid auth")) {
            throw new CliException(NunDbCli.EXIT_AUTH, "authentication failed: wrong user or password");
        }
        if (!reply.contains("create-db success")) {
            String[] pieces = reply.split(";", 2);
            throw new CliException(
                    NunDbCli.EXIT_SERVER_ERROR, "create-db failed: " + (pieces.length > 1 ? pieces[1] : reply).trim());
        }
        return NunDbCli.EXIT_OK;
    }
}
