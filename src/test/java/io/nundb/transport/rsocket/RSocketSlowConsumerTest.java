package io.nundb.transport.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.nundb.watch.DeliveryStats;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.RSocketStrategies;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.MimeTypeUtils;
import reactor.netty.http.client.HttpClient;
import reactor.netty.tcp.TcpClient;

/**
 * A client that asks for every event of a watch and then stops reading its socket: RSocket's own
 * queue for it stays bounded, it is told why before it is cut off, and nobody else notices.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            // 1 MiB per outbox, so RSocket may queue 4 MiB per connection
            "nundb.limits.outbox-max-bytes=1048576"
        })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DirtiesContext
class RSocketSlowConsumerTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.toString());
    }

    @Autowired
    RSocketStrategies strategies;

    @Autowired
    DeliveryStats stats;

    @Autowired
    OutboundLimit outbound;

    @Autowired
    RSocketController controller;

    @Value("${local.rsocket.server.port}")
    int port;

    @LocalServerPort
    int httpPort;

    static final int VALUE = 256 * 1024;
    static final int MAX_WRITES = 200;

    RSocketRequester requester(String login, ClientTransport transport) {
        return RSocketRequester.builder()
                .rsocketStrategies(strategies)
                .dataMimeType(MimeTypeUtils.APPLICATION_JSON)
                .setupMetadata(login, RSocketLogin.MIME_TYPE)
                .transport(transport);
    }

    ClientTransport tcp() {
        return TcpClientTransport.create("127.0.0.1", port);
    }

    /** A transport of the given kind with a small receive buffer, handing its channel to {@code channel}. */
    ClientTransport slowTransport(String kind, Consumer<Channel> channel) {
        if (kind.equals("tcp")) {
            return TcpClientTransport.create(TcpClient.create()
                    .host("127.0.0.1")
                    .port(port)
                    .option(ChannelOption.SO_RCVBUF, 16 * 1024)
                    .doOnConnected(c -> channel.accept(c.channel())));
        }
        return WebsocketClientTransport.create(
                HttpClient.create()
                        .host("127.0.0.1")
                        .port(httpPort)
                        .option(ChannelOption.SO_RCVBUF, 16 * 1024)
                        .doOnConnected(c -> channel.accept(c.channel())),
                "/rsocket");
    }

    String command(RSocketRequester r, String text) {
        return r.route("command").data(text).retrieveMono(String.class).block(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "websocket"})
    void aWatcherThatStopsReadingIsToldWhyAndCutOffWhileOthersGoOn(String kind) {
        String db = "slow" + kind;
        RSocketRequester admin = requester("auth nun nun-pwd", tcp());
        assertThat(command(admin, "create-db " + db + " tok")).contains("\"ok\":true");
        admin.dispose();
        String login = "use-db " + db + " tok";
        String watch = "{\"keys\":[\"big\"],\"current\":false}";

        // the bystander: a watcher that reads everything
        RSocketRequester reader = requester(login, tcp());
        AtomicInteger readerChanges = new AtomicInteger();
        AtomicReference<Throwable> readerError = new AtomicReference<>();
        reader.route("watch")
                .data(watch)
                .retrieveFlux(String.class)
                .subscribe(
                        e -> {
                            if (e.contains("\"change\"")) {
                                readerChanges.incrementAndGet();
                            }
                        },
                        readerError::set);

        // the slow consumer: unbounded demand, then its socket is no longer read
        AtomicReference<Channel> channel = new AtomicReference<>();
        RSocketRequester slow = requester(login, slowTransport(kind, channel::set));
        AtomicInteger slowEvents = new AtomicInteger();
        AtomicReference<Throwable> slowError = new AtomicReference<>();
        slow.route("watch")
                .data(watch)
                .retrieveFlux(String.class)
                .subscribe(e -> slowEvents.incrementAndGet(), slowError::set);
        await().atMost(Duration.ofSeconds(30)).until(() -> slowEvents.get() >= 1); // the ready event
        channel.get().config().setAutoRead(false);

        long cutOffsBefore = stats.slowConsumersDisconnected();
        RSocketRequester writer = requester(login, tcp());
        String value = "v".repeat(VALUE);
        int writes = 0;
        while (writes < MAX_WRITES && stats.slowConsumersDisconnected() == cutOffsBefore) {
            assertThat(command(writer, "set big " + value)).contains("\"ok\":true");
            writes++;
        }
        // without a bound, RSocket would queue every one of these 50 MB for the silent client
        assertThat(stats.slowConsumersDisconnected())
                .as("cut off after %d writes of %d KiB", writes, VALUE / 1024)
                .isGreaterThan(cutOffsBefore);
        assertThat(outbound.peakQueuedBytes()).isLessThan(12L * 1024 * 1024);

        // the client reads again: what was queued, then the reason, then the close
        channel.get().config().setAutoRead(true);
        channel.get().read();
        await().atMost(Duration.ofSeconds(30)).until(() -> slowError.get() != null);
        assertThat(slowError.get().getMessage())
                .contains("\"code\":\"TOO_LARGE\"")
                .contains("slow consumer");
        assertThat(slowEvents.get()).as("changes queued before the cut-off").isGreaterThan(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> !channel.get().isActive());

        // everybody else goes on: the writer is answered, the reading watcher got every change
        for (int i = 0; i < 3; i++) {
            assertThat(command(writer, "set big after" + i)).contains("\"ok\":true");
        }
        int expected = writes + 3;
        await().atMost(Duration.ofSeconds(30)).until(() -> readerChanges.get() >= expected);
        assertThat(readerChanges.get()).isEqualTo(expected);
        assertThat(readerError.get()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> outbound.queuedBytes() < VALUE);
        List.of(reader, writer).forEach(RSocketRequester::dispose);
    }

    @Test
    void aWatcherThatNeverReadsAgainIsDisconnectedAfterTheGraceAndItsBytesFreed() {
        String db = "never";
        RSocketRequester admin = requester("auth nun nun-pwd", tcp());
        assertThat(command(admin, "create-db " + db + " tok")).contains("\"ok\":true");
        admin.dispose();
        String login = "use-db " + db + " tok";
        AtomicReference<Channel> channel = new AtomicReference<>();
        RSocketRequester slow = requester(login, slowTransport("tcp", channel::set));
        AtomicInteger slowEvents = new AtomicInteger();
        slow.route("watch")
                .data("{\"keys\":[\"big\"]}")
                .retrieveFlux(String.class)
                .subscribe(e -> slowEvents.incrementAndGet(), e -> {});
        await().atMost(Duration.ofSeconds(30)).until(() -> slowEvents.get() >= 1);
        channel.get().config().setAutoRead(false);

        long cutOffsBefore = stats.slowConsumersDisconnected();
        RSocketRequester writer = requester(login, tcp());
        assertThat(command(writer, "get big")).contains("\"ok\":true"); // connected
        int connections = controller.connectionCount();
        String value = "w".repeat(VALUE);
        for (int i = 0; i < MAX_WRITES && stats.slowConsumersDisconnected() == cutOffsBefore; i++) {
            assertThat(command(writer, "set big " + value)).contains("\"ok\":true");
        }
        assertThat(stats.slowConsumersDisconnected()).isGreaterThan(cutOffsBefore);
        // the client never reads again: the server closes it after the grace, which frees what it queued
        await().atMost(Duration.ofSeconds(30)).until(() -> controller.connectionCount() < connections);
        await().atMost(Duration.ofSeconds(10)).until(() -> outbound.queuedBytes() < VALUE);
        assertThat(command(writer, "get big")).contains("\"value\":\"www");
        writer.dispose();
        slow.dispose();
    }
}
