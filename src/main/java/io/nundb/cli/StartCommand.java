package io.nundb.cli;

import io.nundb.NunDbApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** NunDB's {@code start}: runs the server here; flags win over NUN_* variables and application.yml. */
@Command(
        name = "start",
        description = {
            "Start the server in this process.",
            "Flags override the NUN_* environment variables; -u/-p set the admin user and password."
        })
final class StartCommand implements Callable<Integer> {

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Option(
            names = {"-t", "--tcp-address"},
            paramLabel = "HOST:PORT",
            description = "TCP listener (NUN_TCP_ADDR, default 0.0.0.0:3014).")
    String tcp;

    @Option(
            names = {"-w", "--ws-address"},
            paramLabel = "HOST:PORT",
            description = "WebSocket listener (NUN_WS_ADDR, default 0.0.0.0:3012).")
    String ws;

    @Option(
            names = {"-h", "--http-address"},
            paramLabel = "HOST:PORT",
            description = "HTTP listener, also Actuator (NUN_HTTP_ADDR, default 0.0.0.0:3013).")
    String http;

    @Option(
            names = {"-r", "--replicate-address"},
            paramLabel = "A1,A2",
            description = "Comma list of cluster members' TCP addresses (NUN_REPLICATE_ADDR).")
    String replicate;

    @Option(names = "--external-address", paramLabel = "HOST:PORT", description = "This node's name in the cluster.")
    String external;

    @Option(names = "--dbs-dir", paramLabel = "DIR", description = "Data directory (NUN_DBS_DIR, default dbs).")
    String dbsDir;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (cli.user != null && !cli.user.isEmpty()) {
            args.add("--nundb.user=" + cli.user);
        }
        if (cli.password != null && !cli.password.isEmpty()) {
            args.add("--nundb.pwd=" + cli.password);
        }
        add(args, "nundb.tcp-addr", tcp);
        add(args, "nundb.ws-addr", ws);
        add(args, "nundb.http-addr", http);
        add(args, "nundb.replicate-addr", replicate);
        add(args, "nundb.external-addr", external);
        add(args, "nundb.dbs-dir", dbsDir);
        if (http != null) {
            // Command-line arguments outrank the defaults derived from nundb.http-addr.
            io.nundb.config.HostPort hp = io.nundb.config.HostPort.parse(http);
            args.add("--server.address=" + hp.host());
            args.add("--server.port=" + hp.port());
        }
        SpringApplication app = new SpringApplication(NunDbApplication.class);
        app.setMainApplicationClass(NunDbApplication.class);
        cli.server = app.run(args.toArray(String[]::new));
        return NunDbCli.EXIT_OK;
    }

    private static void add(List<String> args, String property, String value) {
        if (value != null) {
            args.add("--" + property + "=" + value);
        }
    }
}
