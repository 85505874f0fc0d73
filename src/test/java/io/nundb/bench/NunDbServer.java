package io.nundb.bench;

import io.nundb.NunDbApplication;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Our server, started in this JVM exactly as {@code main} starts it, with every listener on a
 * loopback port and its data in a temporary directory.
 */
final class NunDbServer implements Closeable {

    static final String USER = "nun";
    static final String PASSWORD = "nun-pwd";

    private final ConfigurableApplicationContext context;
    private final Target target;

    private NunDbServer(ConfigurableApplicationContext context, Target target) {
        this.context = context;
        this.target = target;
    }

    static NunDbServer start(Path dataDir, String db, String token) throws IOException, InterruptedException {
        int tcpPort = FreePorts.pick();
        SpringApplication application = new SpringApplication(NunDbApplication.class);
        ConfigurableApplicationContext context = application.run(
                "--nundb.user=" + USER,
                "--nundb.pwd=" + PASSWORD,
                "--nundb.dbs-dir=" + dataDir,
                "--nundb.tcp-addr=127.0.0.1:" + tcpPort,
                "--nundb.ws-addr=127.0.0.1:" + FreePorts.pick(),
                "--nundb.http-addr=127.0.0.1:" + FreePorts.pick(),
                "--nundb.rsocket-addr=127.0.0.1:" + FreePorts.pick(),
                "--logging.level.root=WARN");
        Target target = new Target("NunDB (ours)", "127.0.0.1", tcpPort, new NunDbProtocol(USER, PASSWORD, db, token));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Connection probe = Connection.open(target)) {
                return new NunDbServer(context, target);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    context.close();
                    throw new IOException(
                            "our server started but nothing answers on its TCP port " + tcpPort
                                    + " (is the TCP transport in this build?)",
                            notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    Target target() {
        return target;
    }

    @Override
    public void close() {
        context.close();
    }
}
