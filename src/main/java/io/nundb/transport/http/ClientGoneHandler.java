package io.nundb.transport.http;

import io.nundb.transport.BadInputLog;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;

/**
 * A request whose client went away before it was answered (a reset or close in the middle of a
 * body Spring reads itself, such as the JSON of {@code POST /api/v1/dbs}): one WARN line per kind
 * ({@link BadInputLog}) and nothing sent. Unhandled, WebFlux answered it {@code 500 Server Error}
 * with an ERROR line and a stack trace, because it only recognises a disconnect once the response
 * is committed. Before Spring Boot's error handler (order -1); runs on the event loop; no I/O.
 */
@Component
@Order(-2)
public class ClientGoneHandler implements WebExceptionHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        // only a recognised disconnect: a server's own IOException must still be a 500 and logged
        if (!DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            return Mono.error(ex);
        }
        BadInputLog.shared()
                .warn("http client gone before its answer", ex.getClass().getSimpleName());
        return Mono.empty();
    }
}
