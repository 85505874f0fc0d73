package io.nundb.transport.http;

import io.nundb.transport.BadInputLog;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Answers 400 to a request path with broken percent-encoding ({@code %zz}, a cut {@code %4}) or an
 * encoded slash or backslash ({@code %2F}, {@code %5C}), before any handler sees it: no route
 * here takes a slash inside a segment, and some (the health groups) fail with a 500 and a stack
 * trace on one, which made every such request 20 KB of log. Runs on the event loop; no I/O.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PathGuard implements WebFilter {

    static final String MESSAGE = "error bad path: invalid percent-encoding or an encoded '/'\n";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String raw = exchange.getRequest().getURI().getRawPath();
        if (raw == null || isValid(raw)) {
            return chain.filter(exchange);
        }
        BadInputLog.shared().warn("bad request path", "400 for a path with a broken or forbidden escape");
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.BAD_REQUEST);
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        byte[] body = MESSAGE.getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** True when every {@code %} starts a two-digit hex escape that is not a slash or backslash. */
    static boolean isValid(String rawPath) {
        for (int i = rawPath.indexOf('%'); i >= 0; i = rawPath.indexOf('%', i + 1)) {
            if (i + 2 >= rawPath.length()) {
                return false;
            }
            int hi = Character.digit(rawPath.charAt(i + 1), 16);
            int lo = Character.digit(rawPath.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return false;
            }
            int c = hi * 16 + lo;
            if (c == '/' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
