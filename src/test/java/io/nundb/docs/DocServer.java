package io.nundb.docs;

import io.nundb.NunDbApplication;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.transport.ws.WsServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server for the docs' examples: the admin the docs use ({@code nun} / {@value #ADMIN_PWD}), every
 * listener on port 0, data in the given directory. Maps the documented default ports (3012–3015)
 * to the ports it bound.
 */
final class DocServer implements AutoCloseable {

    /** The one admin password all docs use. */
    static final String ADMIN_PWD = "nun-pwd";

    private static final Pattern ADDRESS = Pattern.compile("\\b(localhost|127\\.0\\.0\\.1):(301[2-5]|9013)\\b");

    private final ConfigurableApplicationContext ctx;
    private final Map<String, Integer> ports;

    DocServer(Path dataDir) {
        ctx = new SpringApplicationBuilder(NunDbApplication.class)
                .run(
                        "--nundb.user=nun",
                        "--nundb.pwd=" + ADMIN_PWD,
                        "--nundb.tcp-addr=127.0.0.1:0",
                        "--nundb.ws-addr=127.0.0.1:0",
                        "--nundb.http-addr=127.0.0.1:0",
                        "--nundb.rsocket-addr=127.0.0.1:0",
                        "--nundb.replicate-addr=",
                        "--nundb.dbs-dir=" + dataDir);
        ports = Map.of(
                "3012", ctx.getBean(WsServer.class).port(),
                "3013", ((WebServerApplicationContext) ctx).getWebServer().getPort(),
                "3014", ctx.getBean(TcpListener.class).port(),
                "3015", ctx.getEnvironment().getProperty("local.rsocket.server.port", Integer.class));
    }

    /** The port this server bound for a documented default port ({@code "3014"} → its TCP port). */
    int port(String documented) {
        Integer port = ports.get(documented);
        if (port == null) {
            throw new IllegalArgumentException("no example may use port " + documented);
        }
        return port;
    }

    /** A bean of the server, as the application's own code would have it injected. */
    <T> T bean(Class<T> type) {
        return ctx.getBean(type);
    }

    /** The text with every {@code localhost:301x} / {@code 127.0.0.1:301x} pointing at this server. */
    String substitute(String text) {
        return substitute(text, ports);
    }

    /** The documented default ports (3012 WebSocket, 3013 HTTP, 3014 TCP) and the ones bound instead. */
    Map<String, Integer> ports() {
        return ports;
    }

    /** The text with every {@code localhost:301x} / {@code 127.0.0.1:301x} on the port {@code ports} maps it to. */
    static String substitute(String text, Map<String, Integer> ports) {
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Integer port = ports.get(m.group(2));
            if (port == null) {
                throw new IllegalArgumentException("no example may use port " + m.group(2));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + ":" + port));
        }
        return m.appendTail(out).toString();
    }

    @Override
    public void close() {
        ctx.close();
    }
}
