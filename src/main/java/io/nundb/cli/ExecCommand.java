package io.nundb.cli;

import io.nundb.transport.http.HttpCommandController;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** NunDB's {@code exec}: one HTTP request, authenticated as admin, printing {@code Response "…"}. */
@Command(
        name = "exec",
        description = {
            "Run ';'-separated commands over HTTP as admin; prints Response \"<reply>\".",
            "POSTs 'auth USER PWD; COMMANDS' to --host. The reply has one piece per command,",
            "joined with ';'; line feeds are shown as \\n (as NunDB's CLI prints them).",
            "Exits 1 when any command answered with an error.",
            "--expect TEXT asks again until the reply contains TEXT (scripts, the Helm test)."
        })
final class ExecCommand implements Callable<Integer> {

    private static final Duration RETRY = Duration.ofSeconds(1);

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Parameters(
            index = "0",
            paramLabel = "COMMANDS",
            description = "Commands separated by ';', e.g. \"use-db d t; get k\".")
    String commands;

    @Option(
            names = "--expect",
            paramLabel = "TEXT",
            description = "Succeed only when the reply contains TEXT; ask again every second until --timeout.")
    String expect;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            description = "How long --expect keeps asking (seconds without a unit; default 30s).")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
        String body = "auth " + cli.user + " " + cli.requirePassword() + "; " + commands;
        if (expect == null) {
            return report(HttpClientCommands.exchange(cli.host(), body));
        }
        long deadline = System.nanoTime() + wait(timeout).toNanos();
        while (true) {
            HttpResponse<String> response = null;
            CliException failure = null;
            try {
                response = HttpClientCommands.exchange(cli.host(), body);
            } catch (CliException e) {
                failure = e; // a node that is still starting: ask again
            }
            boolean last = System.nanoTime() - deadline >= 0;
            if (response != null && response.body().contains(expect)) {
                return report(response);
            }
            if (last) {
                if (response == null) {
                    throw failure;
                }
                report(response);
                throw new CliException(
                        NunDbCli.EXIT_SERVER_ERROR, "the reply did not contain '" + expect + "' within " + timeout);
            }
            Thread.sleep(RETRY.toMillis());
        }
    }

    private static Duration wait(String text) {
        try {
            return DurationStyle.detectAndParse(text, ChronoUnit.SECONDS);
        } catch (IllegalArgumentException e) {
            throw new CliException(NunDbCli.EXIT_USAGE, "not a duration for --timeout: " + text);
        }
    }

    private int report(HttpResponse<String> response) {
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
