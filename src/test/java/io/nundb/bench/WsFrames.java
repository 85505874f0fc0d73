package io.nundb.bench;

import java.nio.ByteBuffer;

/**
 * The client side of RFC 6455 framing, just what the perf load generator needs: the upgrade
 * request, finding the end of the server's upgrade response, masked text frames to the server,
 * and the length of unmasked frames from it. Allocation-free on the read path; stateless.
 *
 * <p>Like the codecs, the parsing methods look at {@code in} from a given index and never move its
 * position: they return a length, or -1 when more bytes are needed.
 */
final class WsFrames {

    static final int OP_TEXT = 0x1;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;

    private static final byte[] HEADER_END = Ascii.bytes("\r\n\r\n");
    private static final byte[] SWITCHING = Ascii.bytes("HTTP/1.1 101");

    private WsFrames() {}

    /** The upgrade request for {@code ws://host:port/}; the key is fixed (the bench does not check the accept value). */
    static byte[] upgradeRequest(String host, int port) {
        return Ascii.bytes("GET / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
    }

    /**
     * Length of the server's upgrade response at {@code in}'s position (up to and including the
     * blank line), -1 if incomplete, or -2 if it is complete but not {@code 101 Switching Protocols}.
     */
    static int upgradeResponseLength(ByteBuffer in) {
        int start = in.position();
        for (int i = start; i + HEADER_END.length <= in.limit(); i++) {
            if (Ascii.startsWith(in, i, HEADER_END.length, HEADER_END)) {
                int length = i + HEADER_END.length - start;
                return Ascii.startsWith(in, start, length, SWITCHING) ? length : -2;
            }
        }
        return -1;
    }

    /** Appends one final, masked text frame carrying {@code payload} (client frames must be masked). */
    static void putText(ByteBuffer out, byte[] payload, int mask) {
        out.put((byte) (0x80 | OP_TEXT));
        int n = payload.length;
        if (n < 126) {
            out.put((byte) (0x80 | n));
        } else if (n <= 0xFFFF) {
            out.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            out.put((byte) (0x80 | 127)).putLong(n);
        }
        out.putInt(mask);
        for (int i = 0; i < n; i++) {
            out.put((byte) (payload[i] ^ (mask >>> (8 * (3 - (i & 3))))));
        }
    }

    /** Length of the header of the frame at {@code start} (2 to 14 bytes), or -1 if incomplete. */
    static int headerLength(ByteBuffer in, int start) {
        if (start + 2 > in.limit()) {
            return -1;
        }
        int b1 = in.get(start + 1) & 0xFF;
        int len7 = b1 & 0x7F;
        int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
        return start + header <= in.limit() ? header : -1;
    }

    /** Payload length of the frame at {@code start}, whose header is complete. */
    static long payloadLength(ByteBuffer in, int start) {
        int len7 = in.get(start + 1) & 0x7F;
        if (len7 == 126) {
            return in.getShort(start + 2) & 0xFFFF;
        }
        if (len7 == 127) {
            return in.getLong(start + 2);
        }
        return len7;
    }

    /** Total length (header + payload) of the frame at {@code in}'s position, or -1 if incomplete. */
    static int frameLength(ByteBuffer in) {
        int start = in.position();
        int header = headerLength(in, start);
        if (header < 0) {
            return -1;
        }
        long total = header + payloadLength(in, start);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException("frame of " + total + " bytes");
        }
        return start + total <= in.limit() ? (int) total : -1;
    }

    static int opcode(ByteBuffer in, int start) {
        return in.get(start) & 0x0F;
    }
}
