package io.nundb.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.cluster.raft.RaftMessage.AppendReply;
import io.nundb.cluster.raft.RaftMessage.InstallSnapshot;
import io.nundb.cluster.raft.RaftMessage.VoteReply;
import io.nundb.cluster.raft.RaftMessage.VoteRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RSocketPeerTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyMessageTypeArrivesIntactBothWays() {
        try (PeerNode a = PeerNode.start("a");
                PeerNode b = PeerNode.start("b")) {
            connect(a, b);
            connect(b, a);
            List<RaftMessage> toB = samples(1);
            List<RaftMessage> toA = samples(2);
            toB.forEach(m -> a.transport.send(b.address(), m));
            toA.forEach(m -> b.transport.send(a.address(), m));

            await().atMost(WAIT).until(() -> b.received.size() == toB.size() && a.received.size() == toA.size());
            assertSameInOrder(b.received, toB);
            assertSameInOrder(a.received, toA);
            assertThat(b.transport.inboundPeers()).contains("a");
            assertThat(a.transport.inboundPeers()).contains("b");
            PeerStats stats = a.transport.peerStats().get(b.address());
            assertThat(stats.connected()).isTrue();
            assertThat(stats.messagesSent()).isEqualTo(toB.size());
            assertThat(stats.messagesDropped()).isZero();
            assertThat(stats.bytesSent()).isPositive();
            await().atMost(WAIT)
                    .until(() -> a.transport.peerStats().get(b.address()).lastRttNanos() > 0);
        }
    }

    @Test
    void forwardGetsThePrimarysReplyOrItsError() throws Exception {
        try (PeerNode a = PeerNode.start("a");
                PeerNode b = PeerNode.start("b")) {
            ForwardReply reply = a.transport
                    .forward(b.address(), new ForwardRequest("db1", "alice", false, "set k v"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(reply).isEqualTo(new ForwardReply("ok set k v as alice", 42));

            assertThatThrownBy(() -> a.transport
                            .forward(b.address(), new ForwardRequest(null, null, true, "fail now"))
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("error primary refused fail now");
            PeerStats stats = a.transport.peerStats().get(b.address());
            assertThat(stats.forwardsSent()).isEqualTo(1);
            assertThat(stats.forwardsFailed()).isEqualTo(1);
        }
    }

    @Test
    void aWrongSecretIsRefusedAndNothingIsDelivered() {
        try (PeerNode b = PeerNode.start("b");
                PeerNode intruder = new PeerNode(RpcOptions.of("intruder", "127.0.0.1:0", "not-the-secret")
                        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100)))) {
            intruder.transport.connect(b.address());
            await().atMost(WAIT).until(() -> b.transport.rejectedConnections() >= 2);
            for (int i = 0; i < 100; i++) {
                intruder.transport.send(b.address(), new VoteRequest(1, "intruder", 0, 0, false));
            }
            assertThatThrownBy(() -> intruder.transport
                            .forward(b.address(), new ForwardRequest(null, null, true, "set k v"))
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).until(() -> true);
            assertThat(b.received).isEmpty();
            assertThat(b.transport.messagesReceived()).isZero();
            assertThat(b.transport.inboundPeers()).doesNotContain("intruder");
        }
    }

    @Test
    void anUnreachablePeerDropsMessagesThenReconnectsWhenItStarts() throws IOException {
        String address = "127.0.0.1:" + freePort();
        try (PeerNode a = PeerNode.start("a")) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                a.transport.send(address, new VoteRequest(1, "a", i, 1, false));
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            PeerStats down = a.transport.peerStats().get(address);
            assertThat(down.connected()).isFalse();
            assertThat(down.messagesDropped()).isEqualTo(10_000);
            System.out.printf("10000 sends to a down peer took %d ms%n", elapsedMs);
            assertThatThrownBy(() -> a.transport
                            .forward(address, new ForwardRequest(null, null, true, "x"))
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);

            try (PeerNode b = new PeerNode(PeerNode.options("b", address))) {
                sendUntilReceived(a, b, address);
            }
            // the peer goes away and comes back on the same port: the link reconnects again
            await().atMost(WAIT)
                    .until(() -> !a.transport.peerStats().get(address).connected());
            try (PeerNode again = new PeerNode(PeerNode.options("b2", address))) {
                sendUntilReceived(a, again, address);
                assertThat(a.transport.peerStats().get(address).connects()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void payloadsAboveTheLimitAreRefused() throws Exception {
        int limit = 256 * 1024;
        try (PeerNode big = new PeerNode(PeerNode.options("big", "127.0.0.1:0").withMaxPayloadBytes(1024 * 1024));
                PeerNode small =
                        new PeerNode(PeerNode.options("small", "127.0.0.1:0").withMaxPayloadBytes(limit))) {
            connect(big, small);
            // above the receiver's limit: the receiver refuses it
            big.transport.send(small.address(), snapshotChunk(600 * 1024));
            // above the sender's own limit: dropped before it leaves
            big.transport.send(small.address(), snapshotChunk(2 * 1024 * 1024));
            assertThatThrownBy(() -> big.transport
                            .forward(small.address(), new ForwardRequest(null, null, true, "x".repeat(400 * 1024)))
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            await().atMost(WAIT)
                    .until(() -> big.transport.peerStats().get(small.address()).messagesDropped() >= 1);

            // small messages still get through (over the same or a new connection)
            sendUntilReceived(big, small, small.address());
            assertThat(small.received).noneMatch(m -> m instanceof InstallSnapshot);
            // and a chunk under the limit is fine
            small.received.clear();
            InstallSnapshot fits = snapshotChunk(limit - 1024);
            await().atMost(WAIT).untilAsserted(() -> {
                big.transport.send(small.address(), fits);
                assertThat(small.received)
                        .anyMatch(m -> m instanceof InstallSnapshot s && s.chunk().length == fits.chunk().length);
            });
        }
    }

    /** A receiver that stops consuming costs the sender a bounded queue, never memory without end. */
    @Test
    void aStalledPeerCostsABoundedQueue() throws Exception {
        int capacity = 100;
        CountDownLatch release = new CountDownLatch(1);
        try (PeerNode a = new PeerNode(PeerNode.options("a", "127.0.0.1:0").withQueueCapacity(capacity));
                PeerNode b = PeerNode.start("b")) {
            b.onMessage = m -> {
                try {
                    // misbehaves on purpose: blocks its event loop, so it asks for no more messages
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            connect(a, b);
            int total = 20_000;
            for (int i = 0; i < total; i++) {
                a.transport.send(b.address(), new AppendReply(1, "a", true, i));
            }
            PeerStats stats = a.transport.peerStats().get(b.address());
            // in flight: what the receiver asked for up front (its window) plus the queue
            long ceiling = 256 + capacity + 1;
            assertThat(stats.messagesSent()).isLessThanOrEqualTo(ceiling);
            assertThat(stats.messagesDropped()).isGreaterThanOrEqualTo(total - ceiling);
            release.countDown();
            b.onMessage = m -> {};
            // the newest survive (the oldest were dropped), and nothing beyond the bound arrives
            await().atMost(WAIT)
                    .until(() -> b.received.stream()
                            .anyMatch(m -> m instanceof AppendReply r && r.matchIndex() == total - 1));
            assertThat(b.received.size()).isLessThanOrEqualTo((int) ceiling);
        }
    }

    private static void connect(PeerNode from, PeerNode to) {
        from.transport.connect(to.address());
        await().atMost(WAIT)
                .until(() -> from.transport.peerStats().get(to.address()).connected());
    }

    private static void sendUntilReceived(PeerNode from, PeerNode to, String address) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            from.transport.send(address, new VoteReply(7, "a", true, false));
            return to.received.stream().anyMatch(m -> m instanceof VoteReply);
        });
    }

    private static InstallSnapshot snapshotChunk(int size) {
        return new InstallSnapshot(1, "big", 10, 1, 0, new byte[size], false);
    }

    /** One random instance of every Raft message type (several AppendEntries of varied sizes). */
    private static List<RaftMessage> samples(long seed) {
        WireSamples samples = new WireSamples(seed);
        List<RaftMessage> messages = new ArrayList<>();
        for (Class<?> kind : RaftMessage.class.getPermittedSubclasses()) {
            for (int i = 0; i < 5; i++) {
                messages.add((RaftMessage) samples.record(kind.asSubclass(Record.class)));
            }
        }
        messages.add(new AppendEntries(1, "x", 0, 0, List.of(), 0));
        return messages;
    }

    private static void assertSameInOrder(Iterable<RaftMessage> actual, List<RaftMessage> expected) {
        List<RaftMessage> got = new ArrayList<>();
        actual.forEach(got::add);
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(WireSamples.sameRecord((Record) got.get(i), (Record) expected.get(i)))
                    .as("message %d (%s)", i, expected.get(i).getClass().getSimpleName())
                    .isTrue();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
