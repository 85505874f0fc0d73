package io.nundb.transport.rsocket;

import io.nundb.transport.stream.StreamEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The RSocket door's payloads as JSON: what a JSON connection gets back, and the {@code watch}
 * request read from either kind of connection (command replies are {@link JsonReplies}'). Stateless;
 * any thread.
 */
final class RSocketJson {

    /** A missing {@code current} is false, as in the SSE API. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private RSocketJson() {}

    /** A pushed message ({@code changed a 1\n}) on a JSON connection: a JSON string without the LF. */
    static String pushed(String message) {
        return MAPPER.writeValueAsString(line(message));
    }

    /**
     * A watch event, as JSON on either kind of connection: {@code type}, {@code key}, {@code version},
     * {@code value}, {@code id}, and on an {@code error} event its {@code code}.
     */
    static String event(StreamEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", event.type());
        out.put("key", event.key());
        out.put("version", event.version());
        out.put("value", event.value());
        out.put("id", event.id());
        if (event.code() != null) {
            out.put("code", event.code().name());
        }
        return MAPPER.writeValueAsString(out);
    }

    /**
     * A {@code command} payload: the command text, which a JSON connection may also send as a
     * JSON string ({@code "get a"}).
     */
    static String commandText(String payload, boolean json) {
        if (json && payload != null && payload.startsWith("\"")) {
            try {
                return MAPPER.readValue(payload, String.class);
            } catch (JacksonException e) {
                return payload; // not a JSON string after all: the text as it came
            }
        }
        return payload;
    }

    /**
     * A {@code watch} request: a JSON object ({@code {"keys":["a","user-*"],"current":true}}), or
     * on either connection the keys as text separated by spaces ({@code a user-*}).
     *
     * @throws IllegalArgumentException with a message for the client when it is neither
     */
    static WatchRoute watchRoute(String payload) {
        String text = payload == null ? "" : payload.strip();
        if (!text.startsWith("{")) {
            List<String> keys = text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
            return new WatchRoute(keys, false, null, null);
        }
        try {
            WatchRoute route = MAPPER.readValue(text, WatchRoute.class);
            if (route.keys() != null && route.keys().contains(null)) {
                throw new IllegalArgumentException("watch request is not valid: a key is null; send"
                        + " {\"keys\":[\"a\",\"user-*\"],\"current\":true} or the keys separated by spaces");
            }
            return route;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("watch request is not valid: " + e.getOriginalMessage()
                    + "; send {\"keys\":[\"a\",\"user-*\"],\"current\":true} or the keys separated by spaces");
        }
    }

    private static String line(String message) {
        return message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
    }
}
