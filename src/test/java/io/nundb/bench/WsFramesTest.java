package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WsFramesTest {

    /** An unmasked server frame: FIN + opcode, then the 7-bit, 16-bit or 64-bit length form. */
    private static ByteBuffer serverFrame(int opcode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(payload.length + 14);
        b.put((byte) (0x80 | opcode));
        if (payload.length < 126) {
            b.put((byte) payload.length);
        } else if (payload.length <= 0xFFFF) {
            b.put((byte) 126).putShort((short) payload.length);
        } else {
            b.put((byte) 127).putLong(payload.length);
        }
        return b.put(payload).flip();
    }

    @Test
    void framesOfEachLengthFormAreMeasuredWhole() {
        for (int n : new int[] {0, 5, 125, 126, 200, 65_535, 70_000}) {
            ByteBuffer frame = serverFrame(WsFrames.OP_TEXT, new byte[n]);
            int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
            assertThat(WsFrames.frameLength(frame)).as("payload %d", n).isEqualTo(header + n);
            assertThat(WsFrames.headerLength(frame, 0)).isEqualTo(header);
            assertThat(WsFrames.payloadLength(frame, 0)).isEqualTo(n);
            assertThat(WsFrames.opcode(frame, 0)).isEqualTo(WsFrames.OP_TEXT);
        }
    }

    @Test
    void anIncompleteFrameNeedsMoreBytes() {
        ByteBuffer frame = serverFrame(WsFrames.OP_TEXT, new byte[300]);
        for (int cut : new int[] {0, 1, 2, 3, 100, 303}) {
            ByteBuffer part = frame.duplicate().limit(cut);
            assertThat(WsFrames.frameLength(part)).as("first %d bytes", cut).isEqualTo(-1);
        }
        assertThat(WsFrames.frameLength(frame.duplicate().limit(304))).isEqualTo(304);
    }

    @Test
    void framesAreMeasuredFromTheBufferPosition() {
        ByteBuffer two = ByteBuffer.allocate(64);
        two.put(serverFrame(WsFrames.OP_TEXT, "ok ".getBytes(StandardCharsets.UTF_8)));
        two.put(serverFrame(WsFrames.OP_CLOSE, new byte[2]));
        two.flip();
        assertThat(WsFrames.frameLength(two)).isEqualTo(5);
        two.position(5);
        assertThat(WsFrames.frameLength(two)).isEqualTo(4);
        assertThat(WsFrames.opcode(two, 5)).isEqualTo(WsFrames.OP_CLOSE);
    }

    @Test
    void clientFramesAreMaskedAndUnmaskToThePayload() {
        for (int n : new int[] {3, 125, 126, 1000, 70_000}) {
            byte[] payload = new byte[n];
            for (int i = 0; i < n; i++) {
                payload[i] = (byte) ('a' + i % 26);
            }
            ByteBuffer out = ByteBuffer.allocate(n + 14);
            WsFrames.putText(out, payload, 0x01020304);
            out.flip();
            assertThat(out.get(0) & 0xFF).isEqualTo(0x81); // FIN, text
            assertThat(out.get(1) & 0x80).isEqualTo(0x80); // masked
            int header = WsFrames.headerLength(out, 0);
            assertThat(header).isEqualTo((n < 126 ? 2 : n <= 0xFFFF ? 4 : 10) + 4);
            assertThat(WsFrames.payloadLength(out, 0)).isEqualTo(n);
            assertThat(WsFrames.frameLength(out)).isEqualTo(header + n);
            byte[] mask = new byte[4];
            out.get(header - 4, mask);
            assertThat(mask).containsExactly(1, 2, 3, 4);
            byte[] unmasked = new byte[n];
            for (int i = 0; i < n; i++) {
                unmasked[i] = (byte) (out.get(header + i) ^ mask[i & 3]);
            }
            assertThat(unmasked).isEqualTo(payload);
        }
    }

    @Test
    void theUpgradeResponseEndsAtTheBlankLineAndMustBe101() {
        String ok = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                + "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        ByteBuffer in = ByteBuffer.wrap((ok + "\u0081\u0003ok ").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(WsFrames.upgradeResponseLength(in)).isEqualTo(ok.length());
        assertThat(WsFrames.upgradeResponseLength(in.duplicate().limit(ok.length() - 1)))
                .isEqualTo(-1);
        ByteBuffer refused = ByteBuffer.wrap(
                "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(WsFrames.upgradeResponseLength(refused)).isEqualTo(-2);
        assertThat(new String(WsFrames.upgradeRequest("127.0.0.1", 3012), StandardCharsets.US_ASCII))
                .startsWith("GET / HTTP/1.1\r\nHost: 127.0.0.1:3012\r\n")
                .contains("Upgrade: websocket\r\n", "Sec-WebSocket-Version: 13\r\n")
                .endsWith("\r\n\r\n");
    }
}
