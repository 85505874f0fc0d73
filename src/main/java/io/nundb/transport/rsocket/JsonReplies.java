package io.nundb.transport.rsocket;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.util.List;

/**
 * A typed engine reply as the JSON object a client on an {@code application/json} connection gets:
 * {@code ok} always, then by kind {@code key}/{@code version}/{@code value} (null when the key does
 * not exist), {@code keys}, {@code dbs} (each {@code name} and {@code strategy}), {@code text} (for
 * the commands whose answer is text by nature), or {@code error} with {@code code} and {@code
 * message}. Written here rather than by a codec: the route answers text on other connections, and
 * a {@code String} payload is sent as it is whatever the MIME type. Pure functions; any thread.
 */
public final class JsonReplies {

    private JsonReplies() {}

    /** The reply as one JSON object. */
    public static String of(Response response) {
        StringBuilder b = new StringBuilder(64);
        write(b, response);
        return b.toString();
    }

    /** The replies of a payload of several commands, as a JSON array of their objects. */
    public static String array(List<String> objects) {
        return "[" + String.join(",", objects) + "]";
    }

    /** A reply refused by the door itself (a payload or reply over the limits). */
    public static String failure(ErrorCode code, String message) {
        StringBuilder b = new StringBuilder(64);
        error(b, code, message);
        return b.toString();
    }

    private static void write(StringBuilder b, Response response) {
        if (response instanceof Response.Failure f) {
            error(b, f.code(), f.message());
            return;
        }
        b.append("{\"ok\":true");
        if (response instanceof Response.Value v) {
            b.append(",\"key\":");
            string(b, v.key());
            b.append(",\"version\":").append(v.version()).append(",\"value\":");
            string(b, v.value());
        } else if (response instanceof Response.KeyList k) {
            b.append(",\"keys\":[");
            for (int i = 0; i < k.keys().size(); i++) {
                b.append(i == 0 ? "" : ",");
                string(b, k.keys().get(i));
            }
            b.append(']');
        } else if (response instanceof Response.DbList d) {
            b.append(",\"dbs\":[");
            for (int i = 0; i < d.dbs().size(); i++) {
                b.append(i == 0 ? "{\"name\":" : ",{\"name\":");
                string(b, d.dbs().get(i).name());
                b.append(",\"strategy\":");
                string(b, d.dbs().get(i).strategy());
                b.append('}');
            }
            b.append(']');
        } else if (response instanceof Response.Text t) {
            b.append(",\"text\":");
            string(b, String.join("", t.messages()));
        }
        b.append('}');
    }

    private static void error(StringBuilder b, ErrorCode code, String message) {
        b.append("{\"ok\":false,\"error\":{\"code\":\"").append(code.name()).append("\",\"message\":");
        string(b, message);
        b.append("}}");
    }

    /** A JSON string (RFC 8259: quote, backslash and control characters escaped), or null. */
    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
