package io.nundb.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses malformed input instead of replacing it: a frame or body with one
 * bad byte is refused whole, so nothing before the bad byte runs and replies stay in step.
 */
public final class StrictUtf8 {

    /** The error text for input that is not UTF-8. */
    public static final String INVALID = "invalid UTF-8: nothing was run";

    private StrictUtf8() {}

    /** The text, or null when {@code bytes} is not well-formed UTF-8. Leaves {@code bytes} unread. */
    public static String decode(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.duplicate())
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
