package io.nundb.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random inputs around the grammar: random bytes, invalid UTF-8 spliced into commands, lines near
 * and above the value limit, lines cut before their end, binary and pipelined bursts of commands.
 */
final class Noise {

    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xff},
        {(byte) 0xc3},
        {(byte) 0xc0, (byte) 0xaf},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xe2, (byte) 0x82},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}
    };

    private final SplittableRandom random;
    private final Grammar grammar;
    private final int maxValue;

    Noise(SplittableRandom random, Grammar grammar, int maxValue) {
        this.random = random;
        this.grammar = grammar;
        this.maxValue = maxValue;
    }

    /** One chunk of line-oriented input (TCP): mostly commands, some of them damaged. */
    byte[] lines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int kind = random.nextInt(10);
        switch (kind) {
            case 0 -> out.writeBytes(randomBytes(random.nextInt(1, 600)));
            case 1 -> out.writeBytes(withBadUtf8(grammar.command()));
            case 2 ->
                out.writeBytes(("set big " + "h".repeat(maxValue + random.nextInt(-40, 400)) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
            case 3 -> { // a pipelined burst, CRLF or LF
                int n = random.nextInt(2, 60);
                String end = random.nextBoolean() ? "\n" : "\r\n";
                for (int i = 0; i < n; i++) {
                    out.writeBytes((grammar.command() + end).getBytes(StandardCharsets.UTF_8));
                }
            }
            case 4 -> { // a line cut short: the rest comes (or not) in a later chunk
                byte[] line = (grammar.command() + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(line, 0, random.nextInt(line.length));
            }
            case 5 -> out.writeBytes(binary(random.nextInt(1, 2000)));
            default -> out.writeBytes((grammar.command() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** A command with an invalid UTF-8 sequence in it, ended by LF. */
    byte[] withBadUtf8(String command) {
        byte[] text = command.getBytes(StandardCharsets.UTF_8);
        int at = random.nextInt(text.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(text, 0, at);
        out.writeBytes(BAD_UTF8[random.nextInt(BAD_UTF8.length)]);
        out.write(text, at, text.length - at);
        out.write('\n');
        return out.toByteArray();
    }

    /** Printable ASCII, LFs and the odd control byte. */
    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(40);
            b[i] = r == 0 ? (byte) '\n' : r == 1 ? (byte) random.nextInt(32) : (byte) random.nextInt(32, 127);
        }
        return b;
    }

    /** Any byte at all. */
    byte[] binary(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A WebSocket text payload: a burst of commands, maybe damaged or too large. */
    byte[] frameText() {
        int kind = random.nextInt(8);
        return switch (kind) {
            case 0 -> withBadUtf8(grammar.burst(random.nextInt(1, 4)));
            case 1 ->
                ("set big " + "f".repeat(maxValue + random.nextInt(-40, 400))).getBytes(StandardCharsets.US_ASCII);
            case 2 -> randomBytes(random.nextInt(1, 300));
            case 3 -> new byte[0];
            default -> grammar.burst(random.nextInt(1, 12)).getBytes(StandardCharsets.UTF_8);
        };
    }

    SplittableRandom random() {
        return random;
    }
}
