package io.nundb.cluster.rpc;

import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.PeerTransport;
import io.nundb.cluster.raft.RaftMessage;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** A transport under test with an inbound handler that records what arrives. */
final class PeerNode implements PeerTransport.Inbound, AutoCloseable {

    static final String SECRET = "cluster-secret-for-tests";

    final RSocketPeerTransport transport;
    final Queue<RaftMessage> received = new ConcurrentLinkedQueue<>();
    volatile Consumer<RaftMessage> onMessage = m -> {};

    PeerNode(RpcOptions options) {
        transport = new RSocketPeerTransport(options);
        transport.start(this);
    }

    static PeerNode start(String name) {
        return new PeerNode(options(name, "127.0.0.1:0"));
    }

    static RpcOptions options(String name, String bind) {
        return RpcOptions.of(name, bind, SECRET)
                .withBackoff(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200));
    }

    String address() {
        return "127.0.0.1:" + transport.port();
    }

    @Override
    public void onMessage(RaftMessage message) {
        received.add(message);
        onMessage.accept(message);
    }

    @Override
    public CompletableFuture<ForwardReply> onForward(ForwardRequest request) {
        if (request.command().startsWith("fail")) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("error primary refused " + request.command()));
        }
        return CompletableFuture.completedFuture(
                new ForwardReply("ok " + request.command() + " as " + request.user(), 42));
    }

    @Override
    public void close() {
        transport.close();
    }
}
