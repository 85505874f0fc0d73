package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.watch.Notification;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A change's shared WebSocket bytes: one unmasked final text frame per message, every length form. */
class WsFrameBytesTest {

    @Test
    void eachMessageIsOneFinalTextFrameWithTheRightLengthForm() {
        String small = "changed k v\n";
        String medium = "changed k " + "m".repeat(300) + "\n";
        String large = "changed k " + "é".repeat(40_000) + "\n";
        byte[] bytes = WsFrameBytes.encode(Notification.of(small, medium, large));
        assertThat(frames(bytes)).containsExactly(small, medium, large);
        assertThat(bytes[0] & 0xFF).isEqualTo(0x81);
        assertThat(bytes[1]).isEqualTo((byte) small.length());
        int second = 2 + small.length();
        assertThat(bytes[second + 1] & 0xFF).isEqualTo(126);
        int third = second + 4 + medium.length();
        assertThat(bytes[third + 1] & 0xFF).isEqualTo(127);
    }

    /** Decodes server frames (RFC 6455 5.2): FIN, text opcode, no mask. */
    private static List<String> frames(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<String> texts = new ArrayList<>();
        while (in.hasRemaining()) {
            assertThat(in.get() & 0xFF).isEqualTo(0x81);
            int b = in.get() & 0xFF;
            assertThat(b & 0x80).as("server frames are not masked").isZero();
            long n = b;
            if (b == 126) {
                n = in.getShort() & 0xFFFF;
            } else if (b == 127) {
                n = in.getLong();
            }
            byte[] payload = new byte[(int) n];
            in.get(payload);
            texts.add(new String(payload, StandardCharsets.UTF_8));
        }
        return texts;
    }
}
