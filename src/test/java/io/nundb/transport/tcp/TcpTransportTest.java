package io.nundb.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.nundb.testing.InMemoryEngine;
import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.ByteBudget;
import io.nundb.watch.OutboxLimits;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only the TCP transport does: greeting, line framing, limits, pipelining, back-pressure. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String USER = "nun";
    private static final String PWD = "nun-pwd";

    private final InMemoryEngine engine = new InMemoryEngine(USER, PWD);
    private final List<TcpTestClient> clients = new ArrayList<>();
    private TcpListener listener;

    @AfterEach
    void stop() {
        clients.forEach(TcpTestClient::close);
        if (listener != null) {
            listener.stop();
        }
    }

    private int start(int maxLineLength, int outboxLimit) {
        listener = new TcpListener(engine.executor(), engine.stats(), "127.0.0.1", 0, maxLineLength, outboxLimit);
        listener.start();
        return listener.port();
    }

    private int start() {
        return start(1024 * 1024, 10_000);
    }

    private TcpTestClient connect() {
        TcpTestClient c = TcpTestClient.connect(listener.port());
        clients.add(c);
        return c;
    }

    private static void expect(TcpTestClient c, String... lines) {
        for (String line : lines) {
            assertEquals(line, c.next(WAIT));
        }
    }

    private static void call(TcpTestClient c, String command, String... lines) {
        c.send(command);
        expect(c, lines);
    }

    /** An admin client that created {@code db} and selected it. */
    private TcpTestClient adminOn(String db) {
        TcpTestClient c = connect();
        call(c, "auth " + USER + " " + PWD, "valid auth\n", "ok \n");
        call(c, "create-db " + db + " " + db + "-token", "create-db success\n", "ok \n");
        call(c, "use-db " + db + " " + db + "-token", "ok \n");
        return c;
    }

    private TcpTestClient userOn(String db) {
        TcpTestClient c = connect();
        call(c, "use-db " + db + " " + db + "-token", "ok \n");
        return c;
    }

    /** After any abuse, a fresh client still gets served. */
    private void assertServesAnotherClient() {
        TcpTestClient c = connect();
        call(c, "auth " + USER + " " + PWD, "valid auth\n", "ok \n");
        c.close();
    }

    @Test
    void greetsWithOkOnConnect() {
        start();
        TcpTestClient c = TcpTestClient.connectRaw(listener.port());
        clients.add(c);
        assertEquals("ok \n", c.next(WAIT));
    }

    @Test
    void commandSentBeforeTheGreetingIsReadIsAnswered() {
        start();
        TcpTestClient c = TcpTestClient.connectRaw(listener.port());
        clients.add(c);
        c.send("auth nun nun-pwd");
        expect(c, "ok \n", "valid auth\n", "ok \n");
    }

    @Test
    void crlfLinesWork() {
        start();
        TcpTestClient c = connect();
        c.sendRaw("auth nun nun-pwd\r\ncreate-db crlf crlf-token\r\nuse-db crlf crlf-token\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        expect(c, "valid auth\n", "ok \n", "create-db success\n", "ok \n", "ok \n");
        c.sendRaw("set k v\r\nget k\r\nget-safe k\n".getBytes(StandardCharsets.US_ASCII));
        expect(c, "ok \n", "value v\n", "ok \n", "value-version 0 v\n", "ok \n");
    }

    @Test
    void commandArrivingOneByteAtATimeIsOneCommand() {
        start();
        TcpTestClient c = connect();
        for (byte b : "auth nun nun-pwd\n".getBytes(StandardCharsets.US_ASCII)) {
            c.sendRaw(new byte[] {b});
        }
        expect(c, "valid auth\n", "ok \n");
    }

    @Test
    void thousandPipelinedCommandsInOneWriteAreAnsweredInOrder() {
        start();
        TcpTestClient c = adminOn("pipe");
        StringBuilder batch = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            switch (i % 4) {
                case 0 -> {
                    batch.append("set k").append(i).append(' ').append(i).append('\n');
                    expected.add("ok \n");
                }
                case 1 -> {
                    batch.append("get k").append(i - 1).append('\n');
                    expected.add("value " + (i - 1) + "\n");
                    expected.add("ok \n");
                }
                case 2 -> {
                    batch.append("increment n\n");
                    expected.add("ok \n");
                }
                default -> {
                    batch.append("get n\n");
                    expected.add("value " + (i / 4 + 1) + "\n");
                    expected.add("ok \n");
                }
            }
        }
        c.sendRaw(batch.toString().getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), c.next(WAIT), "reply #" + i);
        }
    }

    @Test
    void tooLongLineGetsAnErrorAndTheConnectionKeepsWorking() {
        start(1024, 10_000);
        TcpTestClient c = connect();
        byte[] huge = new byte[5 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            c.sendRaw("set k ".getBytes(StandardCharsets.US_ASCII));
            c.sendRaw(huge);
            c.sendRaw("\nauth nun nun-pwd\n".getBytes(StandardCharsets.US_ASCII));
        });
        expect(c, "error line too long (limit 1024 bytes) \n", "valid auth\n", "ok \n");
        writing.join();
        // exactly at the limit is fine, with LF or CRLF
        String atLimit = "auth nun " + "x".repeat(1024 - "auth nun ".length());
        call(c, atLimit, "invalid auth\n", "ok \n");
        c.sendRaw((atLimit + "\r\n").getBytes(StandardCharsets.US_ASCII));
        expect(c, "invalid auth\n", "ok \n");
        call(c, atLimit + "x", "error line too long (limit 1024 bytes) \n");
        assertServesAnotherClient();
    }

    @Test
    void invalidUtf8GetsAnErrorAndTheConnectionKeepsWorking() {
        start();
        TcpTestClient c = adminOn("bytes");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("set k ".getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, '\n'});
        bytes.writeBytes("set k ok\n".getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(new byte[] {(byte) 0xc0, (byte) 0x80, '\n'}); // overlong NUL
        c.sendRaw(bytes.toByteArray());
        expect(c, "error invalid UTF-8 \n", "ok \n", "error invalid UTF-8 \n");
        call(c, "set k h\u00e9llo \u2603", "ok \n");
        call(c, "get k", "value h\u00e9llo \u2603\n", "ok \n");
        assertServesAnotherClient();
    }

    @Test
    void emptyLinesAreEmptyCommands() {
        start();
        TcpTestClient c = connect();
        c.sendRaw("\n\r\n".getBytes(StandardCharsets.US_ASCII));
        expect(c, "error empty command \n", "error empty command \n");
    }

    @Test
    void clientDisconnectingMidCommandIsCleanedUp() {
        start();
        TcpTestClient admin = adminOn("torn");
        TcpTestClient torn = userOn("torn");
        call(admin, "get $connections", "value 2\n", "ok \n");
        torn.sendRaw("set half val".getBytes(StandardCharsets.US_ASCII));
        torn.close();
        await().atMost(WAIT).until(() -> listener.connectionCount() == 1);
        call(admin, "get half", "value <Empty>\n", "ok \n");
        call(admin, "get $connections", "value 1\n", "ok \n");
        assertServesAnotherClient();
    }

    /** A watcher that stopped reading, on a fresh db {@code slow} with a writer beside it. */
    private TcpTestClient slowWatcher() {
        TcpTestClient watcher = TcpTestClient.connectWithSmallReceiveBuffer(listener.port(), 4096);
        clients.add(watcher);
        expect(watcher, "ok \n");
        call(watcher, "use-db slow slow-token", "ok \n");
        call(watcher, "watch k", "ok \n");
        return watcher;
    }

    /** Pipelines {@code perBatch} sets of {@code value} and reads their replies. */
    private static void writeBatch(TcpTestClient writer, int perBatch, String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < perBatch; i++) {
            sb.append("set k ").append(value).append('\n');
        }
        writer.sendRaw(sb.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < perBatch; i++) {
            assertEquals("ok \n", writer.next(WAIT));
        }
    }

    @Test
    void slowWatcherIsCutOffWithoutGrowingMemory() {
        start(1024 * 1024, 1000);
        TcpTestClient writer = adminOn("slow");
        TcpTestClient watcher = slowWatcher();
        long heapBefore = usedHeapAfterGc();
        String value = "v".repeat(1024);
        int batches = 300;
        int perBatch = 100;
        for (int b = 0; b < batches; b++) {
            writeBatch(writer, perBatch, value);
        }
        // 30,000 changes, ~60 MB of notifications, went to a watcher that read none of them.
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        assertThat(heapGrowth).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
        assertThat(engine.stats().slowConsumersDisconnected()).isEqualTo(1);
        assertThat(engine.stats().notificationsDropped()).isPositive();
        await().atMost(WAIT).until(() -> listener.connectionCount() == 1);
        int lines = 0;
        while (watcher.next(WAIT) != null) {
            lines++;
        }
        assertThat(watcher.atEof()).isTrue();
        assertThat(lines).isLessThan(batches * perBatch * 2);
        call(writer, "get-safe k", "value-version " + (batches * perBatch - 1) + " " + value + "\n", "ok \n");
        assertServesAnotherClient();
    }

    @Test
    void watcherOfLargeValuesIsCutOffByBytesBeforeTheHeapGrows() {
        listener = new TcpListener(
                engine.executor(),
                engine.stats(),
                "127.0.0.1",
                0,
                2 * 1024 * 1024,
                new OutboxLimits(10_000, 4L * 1024 * 1024, new ByteBudget(64L * 1024 * 1024)),
                100);
        // The watcher reads only after all 60 writes and the heap check, which on a loaded machine
        // takes longer than the default grace: reset then, it would lose the lines checked below.
        listener.cutOffGrace(Duration.ofSeconds(45));
        listener.start();
        TcpTestClient writer = adminOn("slow");
        TcpTestClient watcher = slowWatcher();
        long heapBefore = usedHeapAfterGc();
        String value = "m".repeat(1024 * 1024);
        for (int i = 0; i < 60; i++) {
            writeBatch(writer, 1, value);
        }
        // 60 MB of notifications to a watcher that reads none: far below the message limit.
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        assertThat(heapGrowth).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
        assertThat(engine.stats().slowConsumersDisconnected()).isEqualTo(1);
        String last = null;
        String line;
        int lines = 0;
        while ((line = watcher.next(WAIT)) != null) {
            assertThat(line).as("line %d arrives whole", lines).endsWith("\n");
            last = line;
            lines++;
        }
        assertThat(watcher.atEof()).isTrue();
        assertEquals(BoundedOutbox.SLOW_CONSUMER, last);
        assertServesAnotherClient();
    }

    /** NUN_IDLE_TIMEOUT: a silent connection is told why and closed; one that talks stays. */
    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndATalkingOneStays() throws Exception {
        listener = new TcpListener(
                        engine.executor(), engine.stats(), "127.0.0.1", 0, 1024, OutboxLimits.messages(100), 10)
                .idleTimeout(Duration.ofMillis(800));
        listener.start();
        TcpTestClient silent = connect();
        TcpTestClient talking = connect();
        for (int i = 0; i < 8; i++) {
            call(talking, "ping", "pong\n", "ok \n");
            Thread.sleep(250); // talks more often than the idle timeout, on purpose
        }
        assertEquals(TcpListener.IDLE, silent.next(WAIT));
        assertThat(silent.next(WAIT)).isNull();
        assertThat(silent.atEof()).isTrue();
        call(talking, "ping", "pong\n", "ok \n");
    }

    /**
     * NUN_LINE_TIMEOUT: a client that starts a line and never finishes it is told and closed; a
     * silent watcher (nothing pending) and a client that finishes its lines in pieces stay.
     */
    @Test
    void aHalfLineIsClosedAfterTheLineTimeoutWhileSilentAndSlowTypingClientsStay() throws Exception {
        listener = new TcpListener(
                        engine.executor(), engine.stats(), "127.0.0.1", 0, 1024, OutboxLimits.messages(100), 10)
                .lineTimeout(Duration.ofMillis(800));
        listener.start();
        TcpTestClient silent = connect();
        TcpTestClient slow = connect();
        TcpTestClient half = connect();
        half.sendRaw("pin".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 6; i++) {
            // each line is finished well within the timeout, though bytes are pending across reads
            slow.sendRaw("pi".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(250); // a slow typist, on purpose
            slow.sendRaw("ng\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("pong\n", slow.next(WAIT));
            assertEquals("ok \n", slow.next(WAIT));
        }
        assertEquals(PartialLineTimeout.CLOSING, half.next(WAIT));
        assertThat(half.next(WAIT)).isNull();
        assertThat(half.atEof()).isTrue();
        call(silent, "ping", "pong\n", "ok \n");
        call(slow, "ping", "pong\n", "ok \n");
    }

    @Test
    void aConnectionAboveTheLimitIsToldWhyAndClosedWhileOthersGoOn() {
        listener =
                new TcpListener(engine.executor(), engine.stats(), "127.0.0.1", 0, 1024, OutboxLimits.messages(100), 2);
        listener.start();
        TcpTestClient first = connect();
        connect();
        TcpTestClient third = TcpTestClient.connectRaw(listener.port());
        clients.add(third);
        assertEquals(TcpListener.TOO_MANY, third.next(WAIT));
        assertThat(third.next(WAIT)).isNull();
        assertThat(third.atEof()).isTrue();
        call(first, "auth nun nun-pwd", "valid auth\n", "ok \n");
        first.close();
        await().atMost(WAIT).until(() -> listener.connectionCount() == 1);
        call(connect(), "auth nun nun-pwd", "valid auth\n", "ok \n");
    }

    @Test
    void failedLoginsLockOutTheSourceAddressAcrossConnections() {
        start();
        for (int i = 0; i < 5; i++) {
            call(connect(), "auth " + USER + " wrong-" + i, "invalid auth\n", "ok \n");
        }
        // a new connection from the same address: locked out, the right password is not even checked
        TcpTestClient next = connect();
        next.send("auth " + USER + " " + PWD);
        assertThat(next.next(WAIT)).startsWith("login locked: too many failed logins, retry in ");
        expect(next, "invalid auth\n", "ok \n");
        next.send("use-db nope nope");
        assertThat(next.next(WAIT)).startsWith("login locked");
        expect(next, "error Invalid token \n");
    }

    @Test
    void cutOffWatcherGetsTheSlowConsumerMessageLast() {
        start(1024 * 1024, 1000);
        TcpTestClient writer = adminOn("slow");
        TcpTestClient watcher = slowWatcher();
        String value = "v".repeat(1024);
        for (int b = 0; b < 500 && engine.stats().slowConsumersDisconnected() == 0; b++) {
            writeBatch(writer, 100, value);
        }
        assertThat(engine.stats().slowConsumersDisconnected()).isEqualTo(1);
        String last = null;
        String line;
        while ((line = watcher.next(WAIT)) != null) {
            last = line;
        }
        assertThat(watcher.atEof()).isTrue();
        assertEquals(BoundedOutbox.SLOW_CONSUMER, last);
        await().atMost(WAIT).until(() -> listener.connectionCount() == 1);
        assertServesAnotherClient();
    }

    @Test
    void pipeliningClientThatDoesNotReadIsSlowedDownNotCutOff() {
        start(1024 * 1024, 1000);
        TcpTestClient c = adminOn("lazy");
        String value = "x".repeat(512);
        int commands = 20_000;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < commands; i++) {
            sb.append("get-safe k").append('\n');
        }
        call(c, "set k " + value, "ok \n");
        // ~10 MB of replies to a client that reads nothing until it has written all 20,000 commands
        CompletableFuture<Void> writing =
                CompletableFuture.runAsync(() -> c.sendRaw(sb.toString().getBytes(StandardCharsets.US_ASCII)));
        for (int i = 0; i < commands; i++) {
            assertEquals("value-version 0 " + value + "\n", c.next(WAIT), "reply #" + i);
            assertEquals("ok \n", c.next(WAIT));
        }
        writing.join();
        assertThat(engine.stats().slowConsumersDisconnected()).isZero();
    }

    @Test
    void racingWritersGiveAWatcherEveryVersionOnceInOrder() throws Exception {
        start();
        TcpTestClient admin = adminOn("race");
        TcpTestClient watcher = userOn("race");
        call(watcher, "watch hot", "ok \n");
        int writers = 4;
        int perWriter = 500;
        List<TcpTestClient> conns = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            conns.add(userOn("race"));
        }
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            TcpTestClient c = conns.get(w);
            int id = w;
            running.add(CompletableFuture.runAsync(() -> {
                for (int chunk = 0; chunk < perWriter; chunk += 50) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = chunk; i < chunk + 50; i++) {
                        sb.append("set hot w").append(id).append('-').append(i).append('\n');
                    }
                    c.sendRaw(sb.toString().getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 50; i++) {
                        assertEquals("ok \n", c.next(WAIT));
                    }
                }
            }));
        }
        int total = writers * perWriter;
        int[] lastSeenPerWriter = new int[writers];
        Arrays.fill(lastSeenPerWriter, -1);
        for (int version = 0; version < total; version++) {
            String changed = watcher.next(WAIT);
            String changedVersion = watcher.next(WAIT);
            assertNotNull(changedVersion, "missing notification for version " + version);
            String value = changed.substring("changed hot ".length(), changed.length() - 1);
            assertEquals("changed-version hot " + version + " " + value + "\n", changedVersion);
            // each writer's own values arrive in the order it wrote them
            int w = value.charAt(1) - '0';
            int i = Integer.parseInt(value.substring(value.indexOf('-') + 1));
            assertThat(i).isGreaterThan(lastSeenPerWriter[w]);
            lastSeenPerWriter[w] = i;
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        // nothing more than one notification pair per version: the next message is the reply
        watcher.send("get-safe hot");
        assertThat(watcher.next(WAIT)).startsWith("value-version " + (total - 1) + " w");
        expect(watcher, "ok \n");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
