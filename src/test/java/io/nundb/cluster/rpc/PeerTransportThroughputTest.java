package io.nundb.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.PeerTransport;
import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.cluster.raft.RaftMessage.VoteReply;
import io.nundb.cluster.raft.RaftMessage.VoteRequest;
import io.nundb.storage.LogEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Smoke checks of the hot path between two local nodes: they print entries/s and per-hop latency
 * (figures depend on the machine, so they are reported, not asserted) and assert that nothing was
 * lost on the way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerTransportThroughputTest {

    private static final int BATCH = 10;
    private static final int IN_FLIGHT = 500;

    @Test
    void streamsSmallBatchesOfEntries() {
        AtomicLong messages = new AtomicLong();
        AtomicLong entries = new AtomicLong();
        try (RSocketPeerTransport a = start(m -> {});
                RSocketPeerTransport b = start(m -> {
                    messages.incrementAndGet();
                    entries.addAndGet(((AppendEntries) m).entries().size());
                })) {
            String peer = "127.0.0.1:" + b.port();
            connect(a, peer);
            String value = "v".repeat(100);
            int batches = 20_000;
            // warm-up, then the measured run
            run(a, peer, messages, 2_000, value);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> messages.get() == 2_000);
            long before = entries.get();
            long start = System.nanoTime();
            run(a, peer, messages, batches, value);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> messages.get() == 22_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            long delivered = entries.get() - before;
            System.out.printf(
                    "peer transport: %d entries in %d batches of %d in %.2f s = %.0f entries/s%n",
                    delivered, batches, BATCH, seconds, delivered / seconds);
            assertThat(delivered).isEqualTo((long) batches * BATCH);
            assertThat(a.peerStats().get(peer).messagesDropped()).isZero();
        }
    }

    @Test
    void oneHopTakesLittleTime() throws Exception {
        BlockingQueue<RaftMessage> replies = new LinkedBlockingQueue<>();
        RSocketPeerTransport[] b = new RSocketPeerTransport[1];
        try (RSocketPeerTransport a = start(m -> replies.offer(m));
                RSocketPeerTransport bt =
                        start(m -> b[0].send(((VoteRequest) m).from(), new VoteReply(1, "b", true, false)))) {
            b[0] = bt;
            String aAddress = "127.0.0.1:" + a.port();
            String peer = "127.0.0.1:" + bt.port();
            connect(a, peer);
            connect(bt, aAddress);
            int rounds = 3_000;
            long[] hops = new long[rounds];
            for (int i = 0; i < rounds + 1_000; i++) {
                long start = System.nanoTime();
                a.send(peer, new VoteRequest(1, aAddress, i, 1, false));
                assertThat(replies.poll(5, TimeUnit.SECONDS)).isInstanceOf(VoteReply.class);
                if (i >= 1_000) {
                    hops[i - 1_000] = (System.nanoTime() - start) / 2;
                }
            }
            Arrays.sort(hops);
            System.out.printf(
                    "peer transport one hop (round trip / 2): p50 %.1f us, p99 %.1f us, max %.1f us; ping rtt %.1f us%n",
                    hops[rounds / 2] / 1e3,
                    hops[rounds * 99 / 100] / 1e3,
                    hops[rounds - 1] / 1e3,
                    a.peerStats().get(peer).lastRttNanos() / 1e3);
        }
    }

    private static void run(RSocketPeerTransport a, String peer, AtomicLong received, int batches, String value) {
        long receivedBefore = received.get();
        long index = 1;
        for (int i = 0; i < batches; i++) {
            // like Raft's bounded pipeline: a few hundred batches in flight, far below the queue bound
            while (i - (received.get() - receivedBefore) > IN_FLIGHT) {
                LockSupport.parkNanos(20_000);
            }
            List<LogEntry> entries = new ArrayList<>(BATCH);
            for (int e = 0; e < BATCH; e++) {
                entries.add(new LogEntry(index, 3, io.nundb.storage.OpType.PUT, "db", "key-" + index, 1, value));
                index++;
            }
            a.send(peer, new AppendEntries(3, "a", index - BATCH - 1, 3, entries, index - 1));
        }
    }

    private static void connect(RSocketPeerTransport from, String peer) {
        from.connect(peer);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> from.peerStats().get(peer).connected());
    }

    private static RSocketPeerTransport start(Consumer<RaftMessage> onMessage) {
        RSocketPeerTransport t = new RSocketPeerTransport(RpcOptions.of("n", "127.0.0.1:0", PeerNode.SECRET));
        t.start(new PeerTransport.Inbound() {
            @Override
            public void onMessage(RaftMessage message) {
                onMessage.accept(message);
            }

            @Override
            public CompletableFuture<ForwardReply> onForward(ForwardRequest request) {
                return CompletableFuture.failedFuture(new UnsupportedOperationException("error not in this test"));
            }
        });
        return t;
    }
}
