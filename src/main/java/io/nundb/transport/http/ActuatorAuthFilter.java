package io.nundb.transport.http;

import io.nundb.security.AdminCredentials;
import io.nundb.security.SecretVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * open. Runs on the Netty event loop of the request; the password's hash is checked off it
 * ({@link AdminCredentials#check}).
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
        if (!guarded) {
            return chain.filter(exchange);
        }
        return Mono.fromFuture(authorized(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
                .flatMap(ok -> {
                    if (ok) {
                        return chain.filter(exchange);
                    }
                    exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
                    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"nundb\"");
                    return exchange.getResponse().setComplete();
                });
    }

    /** Completes on the event loop when the password was verified before, else on a hash thread. */
    private CompletableFuture<Boolean> authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return CompletableFuture.completedFuture(false);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(false);
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return CompletableFuture.completedFuture(false);
        }
        return admin.check(decoded.substring(0, colon), decoded.substring(colon + 1))
                .thenApply(v -> v == SecretVerifier.Verdict.VALID);
    }
}
