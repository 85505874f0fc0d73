package io.nundb.cli;

import io.nundb.transport.http.HttpCommandController;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** NunDB's {@code exec}: one HTTP request, authenticated as admin, printing {@code Response "…"}. */
@Command(
        name = "exec",
        description = {
            "Run ';'-separated commands over HTTP as admin; prints Response \"<reply>\".",
            "POSTs 'auth USER PWD; COMMANDS' to --host. The reply has one piece per command,",
            "joined with ';'; line feeds are shown as \\n (as NunDB's CLI prints them).",
            "Exits 1 when any command answered with an error."
        })
final class ExecCommand implements Callable<Integer> {

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Parameters(
            index = "0",
            paramLabel = "COMMANDS",
            description = "Commands separated by ';', e.g. \"use-db d t; get k\".")
    String commands;

    @Override
    public Integer call() {
        String body = "auth " + cli.user + " " + cli.requirePassword() + "; " + commands;
        HttpResponse<String> response = HttpClientCommands.exchange(cli.host(), body);
        String reply = response.body();
        cli.out().println("Response " + RustDebug.quote(reply));
        if (reply.startsWith("invalid auth")) {
            throw new CliException(NunDbCli.EXIT_AUTH, "authentication failed: wrong user or password");
        }
        // An error piece reads like a value; our server counts the failures in a header (NunDB has none).
        long failed = response.headers()
                .firstValueAsLong(HttpCommandController.FAILED_HEADER)
                .orElse(0);
        if (failed > 0) {
            throw new CliException(
                    NunDbCli.EXIT_SERVER_ERROR,
                    failed + (failed == 1 ? " command" : " commands") + " failed (the reply shows which)");
        }
        return NunDbCli.EXIT_OK;
    }
}
