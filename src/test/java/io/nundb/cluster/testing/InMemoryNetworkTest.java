package io.nundb.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.PeerTransport;
import io.nundb.cluster.raft.RaftMessage;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class InMemoryNetworkTest {

    /** Records what a node receives; answers forwards with its name and the command. */
    static final class Node implements PeerTransport.Inbound {
        final String name;
        final List<RaftMessage> received = new CopyOnWriteArrayList<>();
        final PeerTransport transport;

        Node(InMemoryNetwork network, String name) {
            this.name = name;
            this.transport = network.transport(name);
            transport.start(this);
        }

        @Override
        public void onMessage(RaftMessage message) {
            received.add(message);
        }

        @Override
        public CompletableFuture<ForwardReply> onForward(ForwardRequest request) {
            if (request.command().equals("boom")) {
                return CompletableFuture.failedFuture(new IllegalStateException("primary failed"));
            }
            return CompletableFuture.completedFuture(new ForwardReply(name + ":" + request.command(), 7));
        }

        List<Long> sequence() {
            return received.stream()
                    .map(m -> ((RaftMessage.AppendReply) m).matchIndex())
                    .toList();
        }
    }

    private InMemoryNetwork network;
    private Node a;
    private Node b;
    private Node c;

    @BeforeEach
    void start() {
        network = new InMemoryNetwork(42);
        a = new Node(network, "a:1");
        b = new Node(network, "b:1");
        c = new Node(network, "c:1");
    }

    @AfterEach
    void stop() {
        network.close();
    }

    private static RaftMessage msg(String from, long seq) {
        return new RaftMessage.AppendReply(1, from, true, seq);
    }

    private void sendMany(Node from, Node to, int n) {
        for (int i = 0; i < n; i++) {
            from.transport.send(to.name, msg(from.name, i));
        }
    }

    private static String forwardX(Node from, Node to) throws Exception {
        return from.transport
                .forward(to.name, command("x"))
                .get(5, TimeUnit.SECONDS)
                .reply();
    }

    private static ForwardRequest command(String text) {
        return new ForwardRequest("db", null, false, text);
    }

    @Test
    void deliversInOrderWithoutFaults() throws Exception {
        sendMany(a, b, 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 100);
        assertThat(b.sequence()).isSorted().doesNotHaveDuplicates();
        assertThat(a.transport.forward(b.name, command("get x")).get(5, TimeUnit.SECONDS))
                .isEqualTo(new ForwardReply("b:1:get x", 7));
    }

    @Test
    void partitionSeparatesGroupsUntilHealed() throws Exception {
        network.partition(Set.of(a.name), Set.of(b.name, c.name));
        sendMany(a, b, 10);
        sendMany(b, a, 10);
        sendMany(b, c, 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.received.size() == 10);
        assertThat(a.received).isEmpty();
        assertThat(b.received).isEmpty();
        assertThat(network.dropped()).isEqualTo(20);
        assertThatThrownBy(() -> a.transport.forward(b.name, command("set x 1")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ConnectException.class)
                .hasMessageContaining("cannot reach b:1 from a:1");
        assertThat(forwardX(c, b)).isEqualTo("b:1:x");

        network.heal();
        sendMany(a, b, 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 10);
        assertThat(forwardX(a, b)).isEqualTo("b:1:x");
    }

    @Test
    void aNodeInNoGroupIsCutOffFromEveryone() {
        network.partition(Set.of(a.name, b.name));
        assertThat(network.reachable(a.name, b.name)).isTrue();
        assertThat(network.reachable(a.name, c.name)).isFalse();
        assertThat(network.reachable(c.name, b.name)).isFalse();
        assertThatThrownBy(() -> network.partition(Set.of(a.name), Set.of(a.name)))
                .hasMessageContaining("two groups");
    }

    @Test
    void isolateCutsOneNodeBothWays() throws Exception {
        network.isolate(c.name);
        sendMany(a, c, 5);
        sendMany(c, b, 5);
        sendMany(a, b, 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 5);
        assertThat(b.sequence()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(c.received).isEmpty();
        assertThatThrownBy(() -> c.transport.forward(a.name, command("x")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void cutSeversOneLinkOnly() {
        network.cut(a.name, b.name);
        sendMany(a, b, 5);
        sendMany(b, a, 5);
        sendMany(a, c, 5);
        sendMany(b, c, 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.received.size() == 10);
        assertThat(a.received).isEmpty();
        assertThat(b.received).isEmpty();
    }

    @Test
    void dropRateLosesThatShareOfRaftMessages() {
        network.dropRate(1.0);
        sendMany(a, b, 50);
        network.dropRate(0.5);
        sendMany(a, c, 1000);
        await().atMost(Duration.ofSeconds(5)).until(() -> network.delivered() + network.dropped() == 1050);
        assertThat(b.received).isEmpty();
        assertThat(c.received.size()).isBetween(400, 600);
        assertThat(c.sequence()).as("what arrives still arrives in order").isSorted();
        assertThatThrownBy(() -> network.dropRate(1.5)).hasMessageContaining("between 0 and 1");
    }

    @Test
    void dropsDoNotApplyToForwardsWhichRideAConnection() throws Exception {
        network.dropRate(1.0);
        assertThat(forwardX(a, b)).isEqualTo("b:1:x");
    }

    @Test
    void delayHoldsMessagesButNeverTheSender() throws Exception {
        network.delay(300, 400);
        long start = System.nanoTime();
        sendMany(a, b, 1000);
        CompletableFuture<ForwardReply> reply = a.transport.forward(b.name, command("x"));
        long sendMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(b.received).as("nothing arrives before the minimum delay").isEmpty();
        assertThat(reply).isNotDone();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 1000);
        long arrivedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(arrivedMs).isGreaterThanOrEqualTo(300);
        assertThat(sendMs).as("sending is scheduling, not waiting").isLessThan(arrivedMs);
        assertThat(b.sequence()).as("random delays keep a link's order").isSorted();
        assertThat(reply.get(5, TimeUnit.SECONDS).reply()).isEqualTo("b:1:x");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("request and reply are both delayed")
                .isGreaterThanOrEqualTo(600);
    }

    @Test
    void duplicateRateDeliversTwice() {
        network.duplicateRate(1.0);
        sendMany(a, b, 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 40);
        assertThat(b.sequence().stream().distinct().count()).isEqualTo(20);
    }

    @Test
    void reorderLetsMessagesOvertake() {
        network.reorder(true);
        network.delay(0, 20);
        sendMany(a, b, 300);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 300);
        assertThat(b.sequence()).isNotEqualTo(b.sequence().stream().sorted().toList());
        assertThat(b.sequence())
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.LongStream.range(0, 300).boxed().toList());
    }

    @Test
    void aPartitionDuringFlightLosesTheMessageAndFailsTheForward() throws Exception {
        network.delay(200, 200);
        sendMany(a, b, 5);
        CompletableFuture<ForwardReply> reply = a.transport.forward(b.name, command("x"));
        network.cut(a.name, b.name);
        assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> network.dropped() == 5);
        assertThat(b.received).isEmpty();
    }

    @Test
    void aStoppedNodeIsUnreachableAndItsFailuresPropagate() throws Exception {
        assertThatThrownBy(() -> a.transport.forward(b.name, command("boom")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("primary failed");
        b.transport.close();
        sendMany(a, b, 3);
        assertThatThrownBy(() -> a.transport.forward(b.name, command("x")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConnectException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> network.dropped() == 3);
        Node again = new Node(network, "b:1");
        sendMany(a, again, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> again.received.size() == 3);
    }
}
