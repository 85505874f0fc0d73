package io.nundb.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FaultProxyTest {

    /** Echoes every byte back; counts what it received. */
    static final class EchoServer implements AutoCloseable {
        final ServerSocket server;
        final AtomicLong received = new AtomicLong();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::acceptLoop, "echo-accept");
            t.setDaemon(true);
            t.start();
        }

        private void acceptLoop() {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> echo(s), "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    received.addAndGet(n);
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private EchoServer echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start("127.0.0.1", echo.server.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    /** The proxy ended the connection: reading gives end of stream or a reset. */
    private static void assertEnds(Socket s) {
        assertThatThrownBy(() -> {
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("end of stream");
                    }
                })
                .isInstanceOf(IOException.class);
    }

    @Test
    void forwardsBothWaysByteForByte() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            byte[] big = new byte[1 << 20];
            new Random(1).nextBytes(big);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(big);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            assertThat(s.getInputStream().readNBytes(big.length)).isEqualTo(big);
        }
        assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
    }

    @Test
    void blackholeKeepsConnectionsButDropsEveryByte() throws Exception {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            long before = echo.received.get();
            proxy.blackhole();
            s.setSoTimeout(500);
            s.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(echo.received.get()).as("nothing reached the target").isEqualTo(before);
            assertThat(s.isClosed()).isFalse();
            assertThat(proxy.connections()).isEqualTo(1);
            try (Socket during = connect()) {
                during.setSoTimeout(300);
                during.getOutputStream().write(1);
                assertThatThrownBy(() -> during.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }

            proxy.resume();
            s.setSoTimeout(5_000);
            assertEnds(s);
        }
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "after")).isEqualTo("after");
        }
    }

    @Test
    void blackholeFromDropsOnlyTheConnectionsThatNameTheOrigin() throws Exception {
        try (Socket fromA = connect();
                Socket fromAb = connect()) {
            assertThat(roundTrip(fromA, "\u0000setup 127.0.0.1:4000\u0001")).endsWith("\u0001");
            assertThat(roundTrip(fromAb, "\u0000setup 127.0.0.1:40001\u0001")).endsWith("\u0001");
            proxy.blackholeFrom("127.0.0.1:4000");
            assertThat(roundTrip(fromAb, "still"))
                    .as("a longer id is another node")
                    .isEqualTo("still");
            long before = echo.received.get();
            fromA.setSoTimeout(300);
            fromA.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> fromA.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(echo.received.get()).isEqualTo(before);
            assertThat(proxy.originDroppedBytes()).isEqualTo(4);
            try (Socket again = connect()) {
                again.setSoTimeout(300);
                again.getOutputStream().write("\u0000setup 127.0.0.1:4000\u0001".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> again.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }

            proxy.resume();
            fromA.setSoTimeout(5_000);
            assertEnds(fromA);
            assertThat(roundTrip(fromAb, "after")).isEqualTo("after");
        }
    }

    @Test
    void aConnectionWithoutTrafficDuringTheBlackholeSurvivesIt() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.blackhole();
            proxy.resume();
            assertThat(roundTrip(s, "b")).isEqualTo("b");
        }
    }

    @Test
    void cutAllResetsOpenConnectionsOnly() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            proxy.cutAll();
            assertEnds(s);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 0);
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "y")).isEqualTo("y");
        }
    }

    @Test
    void delayAppliesToEachDirection() throws IOException {
        proxy.delay(200);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(400);
            proxy.resume();
            assertThat(roundTrip(s, "fast")).isEqualTo("fast");
        }
    }

    @Test
    void aTargetThatIsDownResetsTheClient() throws Exception {
        echo.close();
        try (Socket s = connect()) {
            assertEnds(s);
        }
    }

    @Test
    void onlyLoopbackTargets() {
        assertThatThrownBy(() -> FaultProxy.start("192.0.2.1", 80)).hasMessageContaining("only forwards to loopback");
        assertThatThrownBy(() -> proxy.delay(-1)).hasMessageContaining(">= 0");
    }
}
