package io.nundb.transport.http;

import io.nundb.security.AdminCredentials;
import io.nundb.security.LoginThrottle;
import io.nundb.security.SecretVerifier;
import io.nundb.transport.BadInputLog;
import io.nundb.transport.ClientAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Health details (data directory, database and key counts, readiness conditions) are for the
 * admin only: they are served by the health group {@value #DETAILS_PATH} (application.yml), and
 * this filter answers 401 there unless the request carries the node admin's HTTP Basic
 * credentials; every other health path shows the status alone. Wrong credentials are throttled
 * per source address like logins. Runs on the event loop; the password's hash is checked off it.
 */
public class ActuatorCredentials implements WebFilter {

    public static final String DETAILS_PATH = "/actuator/health/details";

    private final AdminCredentials admin;
    private final LoginThrottle throttle = new LoginThrottle();

    public ActuatorCredentials(AdminCredentials admin) {
        this.admin = admin;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!path.equals(DETAILS_PATH) && !path.startsWith(DETAILS_PATH + "/")) {
            return chain.filter(exchange);
        }
        String source = ClientAddress.of(exchange.getRequest().getRemoteAddress());
        String auth = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String[] userPassword = auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)
                ? decode(auth.substring(6).strip())
                : null;
        if (throttle.lockedFor(source) != 0 || userPassword == null) {
            return refuse(exchange);
        }
        return Mono.fromFuture(admin.check(userPassword[0], userPassword[1])).flatMap(verdict -> {
            if (verdict == SecretVerifier.Verdict.VALID) {
                throttle.succeeded(source);
                return chain.filter(exchange);
            }
            if (verdict == SecretVerifier.Verdict.INVALID) {
                throttle.failed(source);
                BadInputLog.shared().warn("health details credentials refused", "401");
            }
            return refuse(exchange);
        });
    }

    private static Mono<Void> refuse(ServerWebExchange exchange) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"nundb\"");
        return response.setComplete();
    }

    private static String[] decode(String base64) {
        try {
            String text = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            return colon < 0 ? null : new String[] {text.substring(0, colon), text.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
