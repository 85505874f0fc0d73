package io.nundb.transport.http;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * A request body as UTF-8 text whatever its content type: {@code curl -d} sends commands as
 * {@code application/x-www-form-urlencoded}, which Spring would otherwise refuse (or parse).
 */
public final class RequestText {

    /** Bodies above this size are refused with 413. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private RequestText() {}

    public static Mono<String> read(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), MAX_BYTES)
                .map(RequestText::text)
                .defaultIfEmpty("")
                .onErrorMap(
                        DataBufferLimitException.class,
                        e -> new ResponseStatusException(
                                HttpStatus.CONTENT_TOO_LARGE, "request body above " + MAX_BYTES + " bytes"));
    }

    private static String text(DataBuffer buffer) {
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
