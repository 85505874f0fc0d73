package io.nundb.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a connection's bytes into LF-terminated lines (a CR before the LF is dropped). A line over
 * the limit is reported once and skipped up to its LF, so at most {@code maxLength} bytes plus one
 * read are ever held. Not thread-safe: used on the connection's event loop only.
 */
final class LineFramer {

    /** What the next complete piece of input is. */
    sealed interface Frame permits Line, TooLong, InvalidUtf8 {}

    record Line(String text) implements Frame {}

    record TooLong() implements Frame {}

    record InvalidUtf8() implements Frame {}

    private static final TooLong TOO_LONG = new TooLong();
    private static final InvalidUtf8 INVALID_UTF8 = new InvalidUtf8();
    /** Stops at the first byte of a multi-byte UTF-8 sequence (or an invalid one). */
    private static final ByteProcessor IS_ASCII = value -> value >= 0;

    private final int maxLength;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private ByteBuf buffer;
    /** Inside a too-long line whose error was already reported: drop bytes up to the next LF. */
    private boolean discarding;

    LineFramer(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max line length must be positive: " + maxLength);
        }
        this.maxLength = maxLength;
    }

    int maxLength() {
        return maxLength;
    }

    /** Takes ownership of {@code in}. */
    void append(ByteBufAllocator alloc, ByteBuf in) {
        if (buffer == null) {
            buffer = in;
        } else {
            buffer = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, buffer, in);
        }
    }

    /** The next complete frame, or null when more input is needed. */
    Frame next() {
        while (buffer != null && buffer.isReadable()) {
            int start = buffer.readerIndex();
            int lf = buffer.indexOf(start, buffer.writerIndex(), (byte) '\n');
            if (discarding) {
                if (lf < 0) {
                    buffer.skipBytes(buffer.readableBytes());
                    break;
                }
                buffer.readerIndex(lf + 1);
                discarding = false;
                continue;
            }
            if (lf < 0) {
                // +1: the CR of a CRLF line of exactly maxLength bytes may already be here.
                if (buffer.readableBytes() > maxLength + 1) {
                    buffer.skipBytes(buffer.readableBytes());
                    discarding = true;
                    return TOO_LONG;
                }
                break;
            }
            int end = lf > start && buffer.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            buffer.readerIndex(lf + 1);
            if (end - start > maxLength) {
                return TOO_LONG;
            }
            return decode(start, end - start);
        }
        compact();
        return null;
    }

    /** Frees the buffered bytes; the connection is gone. */
    void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    private Frame decode(int start, int length) {
        if (buffer.forEachByte(start, length, IS_ASCII) < 0) {
            // Plain ASCII (the usual command): every byte is its own char, no decoder needed.
            return new Line(buffer.toString(start, length, StandardCharsets.ISO_8859_1));
        }
        try {
            CharBuffer chars = utf8.reset().decode(buffer.nioBuffer(start, length));
            return new Line(chars.toString());
        } catch (CharacterCodingException e) {
            return INVALID_UTF8;
        }
    }

    private void compact() {
        if (buffer == null) {
            return;
        }
        if (buffer.isReadable()) {
            buffer.discardSomeReadBytes();
        } else {
            buffer.release();
            buffer = null;
        }
    }
}
