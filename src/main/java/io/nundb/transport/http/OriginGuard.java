package io.nundb.transport.http;

import io.nundb.security.OriginPolicy;
import io.nundb.transport.BadInputLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The HTTP door's side of {@link OriginPolicy}: with an allow-list, a browser request from any
 * other origin is refused with 403 before it runs (a simple cross-site {@code POST /} would
 * otherwise execute), and allowed origins get CORS headers, preflights included. With the default
 * (any origin) nothing changes. Runs on the event loop; no I/O.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class OriginGuard implements WebFilter {

    static final String REFUSED = "error origin not allowed\n";
    private static final long PREFLIGHT_MAX_AGE = Duration.ofMinutes(10).toSeconds();

    private final OriginPolicy policy;

    public OriginGuard(OriginPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String origin = exchange.getRequest().getHeaders().getOrigin();
        if (origin == null || policy.allowsAny()) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        if (!policy.allows(origin)) {
            BadInputLog.shared().warn("origin not allowed", "403");
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
            byte[] body = REFUSED.getBytes(StandardCharsets.UTF_8);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        }
        HttpHeaders headers = response.getHeaders();
        headers.setAccessControlAllowOrigin(origin);
        headers.add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        if (HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())) {
            headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, DELETE, OPTIONS");
            headers.set(
                    HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, If-Match, Last-Event-ID");
            headers.setAccessControlMaxAge(PREFLIGHT_MAX_AGE);
            response.setStatusCode(HttpStatus.NO_CONTENT);
            return response.setComplete();
        }
        headers.set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, "ETag");
        return chain.filter(exchange);
    }
}
