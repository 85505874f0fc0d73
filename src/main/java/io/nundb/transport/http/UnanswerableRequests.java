package io.nundb.transport.http;

import io.nundb.transport.BadInputLog;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Requests that fail where no answer can be sent any more, each one WARN line per kind ({@link
 * BadInputLog}) and nothing sent: the client went away before its answer (a reset in the middle of
 * a body Spring reads itself, such as the JSON of {@code POST /api/v1/dbs}), or reactor-netty
 * already answered it {@code 400} itself (a broken chunk in the body) and the handler reading the
 * body failed with "Status and headers already sent". Unhandled, WebFlux answered each {@code 500
 * Server Error} with an ERROR line and a stack trace: it recognises a disconnect only once the
 * response is committed, and it does not see netty's own answer. Before Spring Boot's error
 * handler (order -1); runs on the event loop; no I/O.
 */
@Component
@Order(-2)
public class UnanswerableRequests implements WebExceptionHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        // only a recognised disconnect: a server's own IOException must still be a 500 and logged
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            BadInputLog.shared()
                    .warn("http client gone before its answer", ex.getClass().getSimpleName());
            return Mono.empty();
        }
        if (answeredByNetty(exchange.getResponse(), ex)) {
            BadInputLog.shared().warn("http request refused by the codec", "400, the body was malformed");
            return Mono.empty();
        }
        return Mono.error(ex);
    }

    /**
     * reactor-netty answered the request itself: when it refuses a malformed body it sends its 400,
     * then fails the body's reader with exactly this exception. (Spring cannot tell: it counts
     * netty's headers as its own commit, yet still writes its 500 over them.)
     */
    private static boolean answeredByNetty(ServerHttpResponse response, Throwable ex) {
        return ex instanceof IllegalStateException
                && HEADERS_SENT.equals(ex.getMessage())
                && ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse netty
                && netty.hasSentHeaders();
    }

    /** reactor-netty's message when a status is set after the headers went out. */
    private static final String HEADERS_SENT = "Status and headers already sent";
}
