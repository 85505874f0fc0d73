package io.nundb.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.nundb.command.Session;
import io.nundb.testing.InMemoryEngine;
import io.nundb.watch.OutboxLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames refused whole: invalid UTF-8 and RSV bits run nothing and get one error reply. */
class WsConnectionTest {

    private final InMemoryEngine engine = new InMemoryEngine("nun", "pwd");
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final WsConnection connection =
            new WsConnection(channel, engine.executor(), OutboxLimits.messages(100), 1 << 20, engine.stats());

    private List<String> replies() {
        channel.runPendingTasks();
        List<String> out = new ArrayList<>();
        TextWebSocketFrame f;
        while ((f = channel.readOutbound()) != null) {
            out.add(f.text());
            f.release();
        }
        return out;
    }

    private String get(String key) {
        Session s = new Session("test", m -> true);
        engine.executor().execute(s, "use-db app app-token").join();
        return engine.executor().execute(s, "get " + key).join().messages().get(0);
    }

    private void createDb() {
        Session admin = new Session("test", m -> true);
        engine.executor().execute(admin, "auth nun pwd").join();
        engine.executor().execute(admin, "create-db app app-token").join();
    }

    @Test
    void aTextFrameWithInvalidUtf8RunsNothing() {
        createDb();
        connection.onFrame(new TextWebSocketFrame("use-db app app-token"));
        // the token is checked off the caller's thread (hashed secrets): the reply comes later
        List<String> login = new ArrayList<>();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> {
                    login.addAll(replies());
                    return !login.isEmpty();
                });
        assertThat(login).containsExactly("ok \n");
        byte[] head = "set a 1;set b \u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] bad = java.util.Arrays.copyOf(head, head.length - 1); // cut the two-byte é in half
        connection.onFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(bad, new byte[] {'x'})));
        assertThat(replies()).containsExactly("error invalid UTF-8: nothing was run \n");
        assertThat(get("a")).isEqualTo("value <Empty>\n");
    }

    @Test
    void aFrameWithRsvBitsRunsNothing() {
        createDb();
        connection.onFrame(new TextWebSocketFrame(true, 4, "use-db app app-token;set a 1"));
        assertThat(replies()).singleElement().asString().startsWith("error frame with RSV bits set");
        assertThat(get("a")).isEqualTo("value <Empty>\n");
    }
}
