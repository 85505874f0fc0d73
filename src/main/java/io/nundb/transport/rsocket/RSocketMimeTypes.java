package io.nundb.transport.rsocket;

import io.rsocket.metadata.WellKnownMimeType;
import java.nio.charset.StandardCharsets;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/**
 * The MIME types a client connection may declare in its SETUP frame: data {@code text/plain} or
 * {@code application/json} (UTF-8), metadata composite ({@code
 * message/x.rsocket.composite-metadata.v0}) or routing alone ({@code message/x.rsocket.routing.v0}).
 * Plain Java; any thread.
 */
public final class RSocketMimeTypes {

    static final String ACCEPTED_DATA = "text/plain or application/json";
    static final MimeType COMPOSITE =
            MimeType.valueOf(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString());
    static final MimeType ROUTING = MimeType.valueOf(WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString());

    private RSocketMimeTypes() {}

    /** Why a SETUP's data MIME type is refused, or null when it is accepted. */
    static String refusedData(String dataMimeType) {
        MimeType type = parse(dataMimeType);
        if (type == null
                || !(type.equalsTypeAndSubtype(MimeTypeUtils.TEXT_PLAIN)
                        || type.equalsTypeAndSubtype(MimeTypeUtils.APPLICATION_JSON))) {
            return "data MIME type '" + dataMimeType + "' is not supported: use " + ACCEPTED_DATA;
        }
        if (type.getCharset() != null && !StandardCharsets.UTF_8.equals(type.getCharset())) {
            return "data MIME type '" + dataMimeType + "': only UTF-8 is supported";
        }
        return null;
    }

    /** Why a SETUP's metadata MIME type is refused, or null when it is accepted. */
    static String refusedMetadata(String metadataMimeType) {
        MimeType type = parse(metadataMimeType);
        if (type == null || !(type.equalsTypeAndSubtype(COMPOSITE) || type.equalsTypeAndSubtype(ROUTING))) {
            return "metadata MIME type '" + metadataMimeType + "' is not supported: use " + COMPOSITE + " (or "
                    + ROUTING + ")";
        }
        return null;
    }

    /** Whether a connection's data MIME type asks for JSON replies. */
    public static boolean isJson(MimeType dataMimeType) {
        return dataMimeType != null && dataMimeType.equalsTypeAndSubtype(MimeTypeUtils.APPLICATION_JSON);
    }

    private static MimeType parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return MimeTypeUtils.parseMimeType(value);
        } catch (InvalidMimeTypeException e) {
            return null;
        }
    }
}
