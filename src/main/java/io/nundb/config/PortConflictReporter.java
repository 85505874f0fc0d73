package io.nundb.config;

import java.net.BindException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import reactor.netty.ChannelBindException;

/**
 * Reports a start-up that failed because a listener's port is taken as one log line naming the
 * address and the setting that chose it, instead of a stack trace (Spring's failure analysis only
 * knows the HTTP port). Registered in {@code META-INF/spring.factories}; runs on the thread that
 * started the application, after the context failed.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PortConflictReporter implements SpringBootExceptionReporter {

    private static final Logger log = LoggerFactory.getLogger(PortConflictReporter.class);

    /** A listener: the property holding its address, its variable and its {@code nun-db start} flag. */
    record Listener(String name, String property, String variable, String flag) {}

    static final List<Listener> LISTENERS = List.of(
            new Listener("HTTP", "nundb.http-addr", "NUN_HTTP_ADDR", "--http-address"),
            new Listener("TCP", "nundb.tcp-addr", "NUN_TCP_ADDR", "--tcp-address"),
            new Listener("WebSocket", "nundb.ws-addr", "NUN_WS_ADDR", "--ws-address"),
            new Listener("RSocket", "nundb.rsocket-addr", "NUN_RSOCKET_ADDR", "--rsocket-address"),
            new Listener("cluster", "nundb.cluster-addr", "NUN_CLUSTER_ADDR", "--cluster-address"),
            new Listener("management", "nundb.management-addr", "NUN_MANAGEMENT_ADDR", "--nundb.management-addr"));

    private final ConfigurableApplicationContext context;

    public PortConflictReporter(ConfigurableApplicationContext context) {
        this.context = context;
    }

    @Override
    public boolean reportException(Throwable failure) {
        if (!isPortConflict(failure)) {
            return false;
        }
        log.error(describe(failure, context == null ? null : context.getEnvironment()));
        return true;
    }

    /** Whether a start-up failure comes from a port another process (or listener) holds. */
    public static boolean isPortConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PortInUseException || t instanceof ChannelBindException || t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable failure, Environment env) {
        int port = -1;
        String host = null;
        for (Throwable t = failure; t != null && port < 0; t = t.getCause()) {
            if (t instanceof PortInUseException p) {
                port = p.getPort();
            } else if (t instanceof ChannelBindException c) {
                port = c.localPort();
                host = c.localHost();
            }
        }
        String what = port < 0 ? "a port" : "port " + port + (host == null ? "" : " on " + host);
        Listener listener = port <= 0 || env == null ? null : listenerOn(port, env);
        String setting = listener == null
                ? ""
                : " (" + listener.name() + " listener: " + listener.variable() + ", " + listener.flag() + " or "
                        + listener.property() + " = " + env.getProperty(listener.property()) + ")";
        return "NunDB cannot start: " + what + setting + " is already in use; stop what holds it or choose another"
                + " address";
    }

    private static Listener listenerOn(int port, Environment env) {
        for (Listener l : LISTENERS) {
            String addr = env.getProperty(l.property());
            if (addr == null || addr.isBlank()) {
                continue;
            }
            try {
                if (HostPort.parse(addr).port() == port) {
                    return l;
                }
            } catch (IllegalArgumentException e) {
                // a malformed address fails elsewhere with its own message
            }
        }
        return null;
    }
}
