package io.nundb.transport.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Serves the console page at {@code GET /}. {@code POST /} is NunDB's command door
 * ({@code HttpCommandController}), so Spring's welcome page never answers a GET there (the
 * annotated mapping says 405 first); a router function is consulted before annotated mappings.
 * The page's scripts and styles are ordinary static resources. Runs on the Netty event loop; the
 * page is a classpath resource, read without blocking by the response writer.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleRoutes {

    private static final Resource PAGE = new ClassPathResource("static/index.html");

    /**
     * A 401 with a {@code Basic} challenge makes a browser's fetch wait for a password dialog, so
     * for the console's calls (marked {@code X-Requested-With: XMLHttpRequest}, as Spring Security
     * also honours) the challenge names {@code Bearer} only and the page shows the error itself.
     */
    @Bean
    WebFilter consoleChallenge() {
        return (exchange, chain) -> {
            if ("XMLHttpRequest".equals(exchange.getRequest().getHeaders().getFirst("X-Requested-With"))) {
                exchange.getResponse().beforeCommit(() -> {
                    HttpHeaders headers = exchange.getResponse().getHeaders();
                    if (headers.containsHeader(HttpHeaders.WWW_AUTHENTICATE)) {
                        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nundb\"");
                    }
                    return Mono.empty();
                });
            }
            return chain.filter(exchange);
        };
    }

    @Bean
    RouterFunction<ServerResponse> consolePage() {
        return RouterFunctions.route(
                RequestPredicates.GET("/"),
                request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(PAGE));
    }
}
