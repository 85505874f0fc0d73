package io.nundb.cli;

import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Asks a node's Actuator for a health group; the image's HEALTHCHECK uses it (no curl there). */
@Command(
        name = "health",
        description = {
            "Check a node's health (GET --host/actuator/health[/PROBE]).",
            "Exit 0 when UP, 1 otherwise, 4 when unreachable."
        })
final class HealthCommand implements Callable<Integer> {

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Option(
            names = "--probe",
            paramLabel = "PROBE",
            defaultValue = "readiness",
            description = "readiness (default), liveness, all, or details (everything with details; needs"
                    + " the admin's -u/-p).")
    String probe;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print nothing; only the exit code tells.")
    boolean quiet;

    @Override
    public Integer call() {
        String path = "/actuator/health" + ("all".equals(probe) ? "" : "/" + probe);
        // Health details are for the admin only (docs/security.md).
        HttpResponse<String> reply = "details".equals(probe)
                ? HttpClientCommands.get(cli.host(), path, cli.user, cli.requirePassword())
                : HttpClientCommands.get(cli.host(), path);
        // Actuator answers 503 for DOWN and OUT_OF_SERVICE.
        boolean up = reply.statusCode() == 200;
        if (!quiet) {
            cli.out().println(reply.body());
        }
        if (!up) {
            throw new CliException(NunDbCli.EXIT_SERVER_ERROR, probe + " is not UP (HTTP " + reply.statusCode() + ")");
        }
        return NunDbCli.EXIT_OK;
    }
}
