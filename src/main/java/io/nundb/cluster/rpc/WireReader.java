package io.nundb.cluster.rpc;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields {@link WireWriter} wrote, in the same order. A malformed or truncated buffer
 * fails with {@link MalformedMessageException}, never with a huge allocation: every length is
 * checked against the bytes actually left.
 */
final class WireReader {

    private final ByteBuf in;

    WireReader(ByteBuf in) {
        this.in = in;
    }

    int tag() {
        need(1);
        return in.readUnsignedByte();
    }

    long i64() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            byte b = in.readByte();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new MalformedMessageException("varint longer than 10 bytes");
    }

    int i32() {
        long zigzag = i64();
        if ((zigzag >>> 32) != 0) {
            throw new MalformedMessageException("int out of range");
        }
        int v = (int) zigzag;
        return (v >>> 1) ^ -(v & 1);
    }

    boolean bool() {
        need(1);
        return in.readByte() != 0;
    }

    String str() {
        int length = length();
        if (length < 0) {
            return null;
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    byte[] bytes() {
        int length = length();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.readBytes(b);
        return b;
    }

    int count() {
        long n = i64();
        // every element takes at least one byte, so a count above the bytes left is a lie
        if (n < 0 || n > in.readableBytes()) {
            throw new MalformedMessageException("element count " + n + " exceeds the payload");
        }
        return (int) n;
    }

    void end() {
        if (in.isReadable()) {
            throw new MalformedMessageException(in.readableBytes() + " unexpected trailing bytes");
        }
    }

    /** -1 for null. */
    private int length() {
        long prefixed = i64();
        if (prefixed == 0) {
            return -1;
        }
        long length = prefixed - 1;
        if (length < 0 || length > in.readableBytes()) {
            throw new MalformedMessageException("field length " + length + " exceeds the payload");
        }
        return (int) length;
    }

    private void need(int n) {
        if (in.readableBytes() < n) {
            throw new MalformedMessageException("truncated message");
        }
    }
}
