package io.nundb.cli;

import io.nundb.NunDbApplication;
import io.nundb.config.PortConflictReporter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * NunDB's {@code start}: runs the server here; flags win over NUN_* variables and application.yml.
 * Settings without a flag of their own pass through as {@code --nundb.NAME=VALUE}.
 */
@Command(
        name = "start",
        description = {
            "Start the server in this process.",
            "Flags override the NUN_* environment variables; -u/-p set the admin user and password.",
            "Any other setting: --nundb.NAME=VALUE (e.g. --nundb.declutter-interval=5m; docs/operations.md)."
        })
final class StartCommand implements Callable<Integer> {

    private static final Pattern PASSTHROUGH =
            Pattern.compile("--nundb\\.[a-z0-9][a-z0-9.\\-\\[\\]]*=.*", Pattern.DOTALL);

    @ParentCommand
    NunDbCli cli;

    @Spec
    CommandSpec spec;

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
            names = "--rsocket-address",
            paramLabel = "HOST:PORT",
            description = "RSocket listener for clients (NUN_RSOCKET_ADDR, default 0.0.0.0:3015).")
    String rsocket;

    @Option(
            names = {"-r", "--replicate-address"},
            paramLabel = "A1,A2",
            description = "Comma list of every member's cluster address, may include this node (NUN_REPLICATE_ADDR).")
    String replicate;

    @Option(
            names = "--cluster-address",
            paramLabel = "HOST:PORT",
            description = "Listener for the other members (NUN_CLUSTER_ADDR, default 0.0.0.0:3016).")
    String cluster;

    @Option(
            names = "--external-address",
            paramLabel = "HOST:PORT",
            description =
                    "Address the other members reach this node at (NUN_EXTERNAL_ADDR, default the cluster address).")
    String external;

    @Option(
            names = "--cluster-secret",
            paramLabel = "SECRET",
            description = "Shared secret of the members, required in a cluster (NUN_CLUSTER_SECRET).")
    String clusterSecret;

    @Option(
            names = "--replication-ack",
            paramLabel = "lazy|majority",
            description = "When a write is acknowledged: lazy (default) or majority (NUN_REPLICATION_ACK).")
    String replicationAck;

    @Option(
            names = "--election-timeout",
            paramLabel = "DURATION",
            description = "Election timeout, ms when no unit is given (NUN_ELECTION_TIMEOUT, default 1000).")
    String electionTimeout;

    @Option(names = "--dbs-dir", paramLabel = "DIR", description = "Data directory (NUN_DBS_DIR, default dbs).")
    String dbsDir;

    @Unmatched
    List<String> passthrough = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> args = springArgs();
        SpringApplication app = new SpringApplication(NunDbApplication.class);
        app.setMainApplicationClass(NunDbApplication.class);
        try {
            cli.server = app.run(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (PortConflictReporter.isPortConflict(e)) {
                // Spring has already logged the one line that names the address and its setting.
                return NunDbCli.EXIT_SERVER_ERROR;
            }
            throw e;
        }
        return NunDbCli.EXIT_OK;
    }

    /** The flags as Spring command-line properties, which outrank NUN_* variables and application.yml. */
    List<String> springArgs() {
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
        add(args, "nundb.rsocket-addr", rsocket);
        add(args, "nundb.replicate-addr", replicate);
        add(args, "nundb.cluster-addr", cluster);
        add(args, "nundb.external-addr", external);
        add(args, "nundb.cluster-secret", clusterSecret);
        add(args, "nundb.replication-ack", replicationAck);
        add(args, "nundb.election-timeout", electionTimeout);
        add(args, "nundb.dbs-dir", dbsDir);
        args.addAll(passthrough());
        if (http != null) {
            // Command-line arguments outrank the defaults derived from nundb.http-addr.
            io.nundb.config.HostPort hp = io.nundb.config.HostPort.parse(http);
            args.add("--server.address=" + hp.host());
            args.add("--server.port=" + hp.port());
        }
        return args;
    }

    /** {@code --nundb.NAME=VALUE} arguments go to Spring as they are; anything else is a usage error. */
    private List<String> passthrough() {
        for (String arg : passthrough) {
            if (!PASSTHROUGH.matcher(arg).matches()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "unknown option '" + arg + "' (settings without a flag: --nundb.NAME=VALUE)");
            }
        }
        return passthrough;
    }

    private static void add(List<String> args, String property, String value) {
        if (value != null) {
            args.add("--" + property + "=" + value);
        }
    }
}
