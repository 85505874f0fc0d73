package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.cluster.raft.RaftMessage.AppendReply;
import io.nundb.cluster.raft.RaftMessage.VoteReply;
import io.nundb.cluster.raft.RaftMessage.VoteRequest;
import io.nundb.command.EnginePorts;
import io.nundb.node.NodeOptions;
import io.nundb.node.NunDbNode;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import io.nundb.storage.VersionedValue;
import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.watch.DeliveryStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real node (Z) in majority mode, its two peers played by the test, so the schedule is exact:
 * Z is truncated twice before it learns that anything it holds is committed — the second time
 * after entries the first primary change left it, which the second one keeps — then becomes the
 * primary. Z must have applied every committed entry (else its memory misses a write), and its
 * first write must follow the last committed version of the key (else that version is given a
 * second value: ClusterFailoverProcessTest's watcher once saw "version 63, value 63 then version
 * 63, value 64").
 */
@Timeout(60)
class FollowerTruncatedTwiceTest {

    private static final String X = "127.0.0.1:17101";
    private static final String Y = "127.0.0.1:17102";
    private static final String Z = "127.0.0.1:17103";

    @TempDir
    Path dir;

    private final ScriptedPeers peers = new ScriptedPeers();
    private NunDbNode z;

    @AfterEach
    void close() {
        if (z != null) {
            z.cluster().close();
            z.close();
        }
        peers.close();
    }

    @Test
    void aFollowerTruncatedTwiceKeepsTheEntriesTheSecondTruncationLeavesAndThenDecidesOnThem() {
        // a long election timeout: Z campaigns only when told to
        ClusterOptions cluster = new ClusterOptions(
                Z, new LinkedHashSet<>(List.of(X, Y, Z)), AckMode.MAJORITY, Duration.ofSeconds(30), null);
        z = new NunDbNode(
                        NodeOptions.onDisk(dir.resolve("z"), Z, "nun", "mini-pwd")
                                .withFsync(FsyncPolicy.NEVER),
                        EnginePorts.standalone(Z),
                        new DeliveryStats(),
                        cluster,
                        peers)
                .start();

        // term 1, primary X: the database, k = a (version 0), and k = stale (version 1), which X
        // never gets a majority for; only the database is known to be committed
        peers.deliver(new AppendEntries(
                1,
                X,
                0,
                0,
                List.of(
                        LogEntry.createDb("app", "app-token", "none").withIndex(1, 1),
                        LogEntry.put("app", "k", 0, "a").withIndex(2, 1),
                        LogEntry.put("app", "k", 1, "stale").withIndex(3, 1)),
                1));
        peers.awaitAck(1, 3);
        // term 2, primary Y, which has index 2 but not 3: its no-op, k = b (version 1) and k =
        // dropped (version 2), which Y never gets a majority for; nothing new known committed
        peers.deliver(new AppendEntries(
                2,
                Y,
                2,
                1,
                List.of(
                        new LogEntry(3, 2, OpType.NOOP, "", "", 0, ""),
                        LogEntry.put("app", "k", 1, "b").withIndex(4, 2),
                        LogEntry.put("app", "k", 2, "dropped").withIndex(5, 2)),
                1));
        peers.awaitAck(2, 5);
        // term 3, primary X, which has Y's entries up to 4 but not 5: its no-op at 5 commits 1..5
        peers.deliver(new AppendEntries(3, X, 4, 2, List.of(new LogEntry(5, 3, OpType.NOOP, "", "", 0, "")), 5));
        Awaitility.await("Z applies what term 3 committed")
                .atMost(Duration.ofSeconds(10))
                .until(() -> z.cluster().status().appliedIndex() >= 5);

        VersionedValue k = z.databases().get("app").get("k");
        assertThat(k.value() + "@" + k.version())
                .as("the committed k = b (index 4) is in Z's memory")
                .isEqualTo("b@1");

        // X goes quiet; Z becomes the primary of term 4 with Y's vote, and takes a write on k
        peers.voteAndAckFor(Y);
        z.cluster().forceElection();
        Awaitility.await("Z is the ready primary")
                .atMost(Duration.ofSeconds(10))
                .until(() -> z.cluster().status().isPrimary() && z.cluster().isReady());
        ClusterClient client = new ClusterClient(z);
        assertThat(client.send("use-db app app-token")).isEqualTo("ok \n");
        assertThat(client.send("set k c")).isEqualTo("ok \n");
        assertThat(client.send("get-safe k"))
                .as("k's next version after b (version 1), not version 1 again")
                .isEqualTo("value-version 2 c\nok \n");
    }

    /**
     * The peers X and Y: the test hands Z their messages; Z's replies are kept. Once told, one of
     * them grants Z's votes and acknowledges what Z sends as the primary.
     */
    private static final class ScriptedPeers implements PeerTransport {
        private final ConcurrentLinkedQueue<RaftMessage> sent = new ConcurrentLinkedQueue<>();
        private final ExecutorService replies = Executors.newSingleThreadExecutor();
        private volatile Inbound inbound;
        private volatile String voter;

        @Override
        public void start(Inbound handler) {
            inbound = handler;
        }

        void deliver(RaftMessage m) {
            inbound.onMessage(m);
        }

        /** Waits until Z acknowledged holding everything up to {@code index} in {@code term}. */
        void awaitAck(long term, long index) {
            Awaitility.await("Z holds up to " + index + " in term " + term)
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> sent.stream()
                            .anyMatch(m -> m instanceof AppendReply r
                                    && r.term() == term
                                    && r.success()
                                    && r.matchIndex() >= index));
        }

        void voteAndAckFor(String peer) {
            voter = peer;
        }

        @Override
        public void send(String peer, RaftMessage message) {
            sent.add(message);
            String v = voter;
            if (v == null || !v.equals(peer)) {
                return;
            }
            RaftMessage reply = null;
            if (message instanceof VoteRequest r) {
                reply = new VoteReply(r.term(), v, true, r.preVote());
            } else if (message instanceof AppendEntries a) {
                reply = new AppendReply(
                        a.term(), v, true, a.prevLogIndex() + a.entries().size());
            }
            if (reply != null) {
                RaftMessage answer = reply;
                replies.execute(() -> inbound.onMessage(answer));
            }
        }

        @Override
        public CompletableFuture<ForwardReply> forward(String peer, ForwardRequest request) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("scripted peers take no forwards"));
        }

        @Override
        public boolean isConnected(String peer) {
            return false;
        }

        @Override
        public void close() {
            replies.shutdownNow();
        }
    }
}
