package io.nundb.cluster.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Appends primitive fields to a buffer in the peer wire format: unsigned LEB128 varints for longs,
 * zigzag varints for ints, length-prefixed UTF-8 strings and byte arrays (length + 1, so 0 means
 * null). Chained calls keep each message's encoder one line per field.
 */
final class WireWriter {

    private final ByteBuf out;

    WireWriter(ByteBuf out) {
        this.out = out;
    }

    WireWriter tag(int tag) {
        out.writeByte(tag);
        return this;
    }

    WireWriter i64(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
        return this;
    }

    WireWriter i32(int value) {
        return i64(((value << 1) ^ (value >> 31)) & 0xFFFFFFFFL);
    }

    WireWriter bool(boolean value) {
        out.writeByte(value ? 1 : 0);
        return this;
    }

    WireWriter str(String value) {
        if (value == null) {
            return i64(0);
        }
        int length = ByteBufUtil.utf8Bytes(value);
        i64(length + 1L);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
        return this;
    }

    WireWriter bytes(byte[] value) {
        if (value == null) {
            return i64(0);
        }
        i64(value.length + 1L);
        out.writeBytes(value);
        return this;
    }
}
