package io.nundb.transport.http;

import io.nundb.security.AdminCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Puts Actuator behind the admin's user and password (HTTP Basic) when {@code NUN_MANAGEMENT_AUTH}
 * is on: health details, metrics and Prometheus then need credentials, while the probes
 * orchestrators call ({@code /livez}, {@code /readyz} and the liveness and readiness groups) stay
 * open. Runs on the Netty event loop of the request: it only reads a header and compares in
 * constant time.
 */
public final class ActuatorAuthFilter implements WebFilter, Ordered {

    private static final String ACTUATOR = "/actuator";
    private static final Set<String> OPEN = Set.of("/actuator/health/liveness", "/actuator/health/readiness");

    private final AdminCredentials admin;

    public ActuatorAuthFilter(AdminCredentials admin) {
        this.admin = admin;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        boolean guarded = (path.equals(ACTUATOR) || path.startsWith(ACTUATOR + "/")) && !OPEN.contains(path);
        if (!guarded || authorized(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
            return chain.filter(exchange);
        }
        exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"nundb\"");
        return exchange.getResponse().setComplete();
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && admin.matches(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
