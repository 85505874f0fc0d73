package io.nundb.transport.rest;

import io.nundb.transport.BadInputLog;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;

/** Renders the REST API's errors (and Spring's own, such as a bad request body) as RFC 9457 problem details. */
@RestControllerAdvice(basePackageClasses = ProblemAdvice.class)
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    /**
     * A client that resets its connection in the middle of a JSON body is the client's problem:
     * one WARN line per kind and a 400 nobody reads, not WebFlux's "500 Server Error" with a stack
     * trace (which it logs for any error the response is not yet committed for).
     */
    @ExceptionHandler(IOException.class)
    public Mono<ResponseEntity<Object>> clientGone(IOException e) {
        if (!DisconnectedClientHelper.isClientDisconnectedException(e)) {
            return Mono.error(e);
        }
        BadInputLog.shared().warn("http request body cut off", e.getClass().getSimpleName());
        return Mono.just(ResponseEntity.badRequest().build());
    }
}
