package io.nundb.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Allocation-free ASCII helpers for the codecs' hot paths. */
final class Ascii {

    private Ascii() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void put(ByteBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }

    /** Writes {@code value} (non-negative) in decimal. */
    static void putDecimal(ByteBuffer out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        long divisor = 1;
        while (divisor <= value / 10) {
            divisor *= 10;
        }
        while (divisor > 0) {
            out.put((byte) ('0' + (value / divisor) % 10));
            divisor /= 10;
        }
    }

    /** Parses a signed decimal in {@code [from, to)}; throws on anything else. */
    static long parseDecimal(ByteBuffer in, int from, int to) {
        if (from >= to) {
            throw new NumberFormatException("empty number");
        }
        boolean negative = in.get(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to) {
            throw new NumberFormatException("no digits");
        }
        long value = 0;
        for (; i < to; i++) {
            int d = in.get(i) - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException("not a digit at " + i);
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }

    static boolean startsWith(ByteBuffer in, int start, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in.get(start + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean endsWith(ByteBuffer in, int start, int length, byte[] suffix) {
        return length >= suffix.length && startsWith(in, start + length - suffix.length, suffix.length, suffix);
    }

    static String text(ByteBuffer in, int start, int length) {
        byte[] copy = new byte[length];
        for (int i = 0; i < length; i++) {
            copy[i] = in.get(start + i);
        }
        return new String(copy, StandardCharsets.UTF_8);
    }
}
