package io.nundb.transport.http;

import io.nundb.protocol.StrictUtf8;
import io.nundb.transport.BadInputLog;
import java.nio.ByteBuffer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.DisconnectedClientHelper;
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
                                HttpStatus.CONTENT_TOO_LARGE, "request body above " + MAX_BYTES + " bytes"))
                // A client that resets the connection in the middle of its body is the client's
                // problem: one WARN line per kind, not WebFlux's "500 Server Error" with a stack trace.
                .onErrorMap(DisconnectedClientHelper::isClientDisconnectedException, e -> {
                    BadInputLog.shared()
                            .warn("http request body cut off", e.getClass().getSimpleName());
                    return new ResponseStatusException(HttpStatus.BAD_REQUEST, "request body cut off");
                });
    }

    private static String text(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            String text = StrictUtf8.decode(ByteBuffer.wrap(bytes));
            if (text == null) {
                throw new InvalidUtf8();
            }
            return text;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** The body is not UTF-8: refused whole (400), nothing in it runs. */
    public static final class InvalidUtf8 extends ResponseStatusException {

        InvalidUtf8() {
            super(HttpStatus.BAD_REQUEST, StrictUtf8.INVALID);
        }
    }
}
