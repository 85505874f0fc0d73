package io.nundb.transport.ws;

import io.nundb.watch.Notification;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Encodes a {@link Notification} as complete server-to-client WebSocket text frames (RFC 6455:
 * final fragment, unmasked), one per message, so the bytes are built once per change and written
 * to every watcher's socket as they are. Pure function; any thread.
 */
final class WsFrameBytes {

    private static final int FIN_TEXT = 0x81;

    /** The transport's one encoder instance (the key of the notification's shared encoding). */
    static final Function<Notification, byte[]> TEXT_FRAMES = WsFrameBytes::encode;

    private WsFrameBytes() {}

    static byte[] encode(Notification notification) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * notification.count());
        for (int i = 0; i < notification.count(); i++) {
            byte[] payload = notification.message(i).getBytes(StandardCharsets.UTF_8);
            out.write(FIN_TEXT);
            int n = payload.length;
            if (n <= 125) {
                out.write(n);
            } else if (n <= 0xFFFF) {
                out.write(126);
                out.write(n >>> 8);
                out.write(n);
            } else {
                out.write(127);
                long length = n;
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) (length >>> shift));
                }
            }
            out.write(payload, 0, n);
        }
        return out.toByteArray();
    }
}
