package io.nundb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Redis's RESP2, as redis-benchmark speaks it (commands as arrays of bulk strings). Change
 * notifications are keyspace events, which carry the event name ({@code set}) but not the value.
 */
final class RespProtocol implements Protocol {

    private static final byte[] SET = Ascii.bytes("*3\r\n$3\r\nSET\r\n");
    private static final byte[] GET = Ascii.bytes("*2\r\n$3\r\nGET\r\n");
    private static final byte[] CRLF = Ascii.bytes("\r\n");
    private static final byte[] MESSAGE = Ascii.bytes("*3\r\n$7\r\nmessage\r\n");
    private static final byte[] SET_EVENT = Ascii.bytes("\r\n$3\r\nset\r\n");

    static final String KEYSPACE_PREFIX = "__keyspace@0__:";

    @Override
    public String name() {
        return "RESP2";
    }

    @Override
    public boolean greets() {
        return false;
    }

    @Override
    public void encodeSet(ByteBuffer out, byte[] key, byte[] value) {
        out.put(SET);
        bulk(out, key);
        bulk(out, value);
    }

    @Override
    public void encodeGet(ByteBuffer out, byte[] key) {
        out.put(GET);
        bulk(out, key);
    }

    @Override
    public void encodeCommand(ByteBuffer out, String... words) {
        out.put((byte) '*');
        Ascii.putDecimal(out, words.length);
        out.put(CRLF);
        for (String word : words) {
            bulk(out, Ascii.bytes(word));
        }
    }

    private static void bulk(ByteBuffer out, byte[] data) {
        out.put((byte) '$');
        Ascii.putDecimal(out, data.length);
        out.put(CRLF).put(data).put(CRLF);
    }

    @Override
    public int replyLength(ByteBuffer in) {
        int end = valueEnd(in, in.position());
        return end < 0 ? -1 : end - in.position();
    }

    /** Index just past the RESP value starting at {@code i}, or -1 if it is not complete yet. */
    private static int valueEnd(ByteBuffer in, int i) {
        if (i >= in.limit()) {
            return -1;
        }
        int lineEnd = crlf(in, i);
        if (lineEnd < 0) {
            return -1;
        }
        byte type = in.get(i);
        if (type == '+' || type == '-' || type == ':') {
            return lineEnd + 2;
        }
        long n = Ascii.parseDecimal(in, i + 1, lineEnd);
        if (type == '$') {
            if (n < 0) {
                return lineEnd + 2;
            }
            long end = lineEnd + 2 + n + 2;
            return end <= in.limit() ? (int) end : -1;
        }
        if (type == '*') {
            int j = lineEnd + 2;
            for (long k = 0; k < n; k++) {
                j = valueEnd(in, j);
                if (j < 0) {
                    return -1;
                }
            }
            return j;
        }
        throw new IllegalStateException("unexpected RESP type byte " + type + " at " + i);
    }

    /** Index of the CR of the first CRLF at or after {@code from}, or -1. */
    private static int crlf(ByteBuffer in, int from) {
        for (int i = from; i + 1 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean isError(ByteBuffer in, int start, int length) {
        return in.get(start) == '-';
    }

    @Override
    public int messageLength(ByteBuffer in) {
        return replyLength(in);
    }

    @Override
    public long changeStamp(ByteBuffer in, int start, int length, byte[] key) {
        // Only one channel is subscribed, so a "set" message is a change of the watched key.
        return Ascii.startsWith(in, start, length, MESSAGE) && Ascii.endsWith(in, start, length, SET_EVENT)
                ? NO_STAMP
                : NOT_A_CHANGE;
    }

    @Override
    public void prepare(Connection admin) throws IOException {
        admin.call("CONFIG", "SET", "notify-keyspace-events", "KA");
    }

    @Override
    public void open(Connection connection) {
        // Redis needs no login or database selection for the default database 0.
    }

    @Override
    public void watch(Connection connection, String key) throws IOException {
        connection.call("SUBSCRIBE", KEYSPACE_PREFIX + key);
    }
}
