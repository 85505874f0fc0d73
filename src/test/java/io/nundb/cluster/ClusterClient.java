package io.nundb.cluster;

import io.nundb.command.Session;
import io.nundb.node.NunDbNode;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.watch.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A client session on one in-process node: sends command texts, collects what is pushed to it. */
final class ClusterClient implements Outbox {

    private final NunDbNode node;
    private final Session session;
    private final List<String> pushed = new ArrayList<>();

    ClusterClient(NunDbNode node) {
        this.node = node;
        this.session = new Session("test", this);
    }

    @Override
    public synchronized boolean offer(String message) {
        pushed.add(message);
        notifyAll();
        return true;
    }

    synchronized List<String> pushed() {
        return List.copyOf(pushed);
    }

    CompletableFuture<String> sendAsync(String command) {
        return node.executor().execute(session, command).thenApply(ClusterClient::text);
    }

    /** The text a TCP client reads for the command: its messages, then the final line. */
    String send(String command) {
        try {
            return sendAsync(command).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("command did not complete: " + command, e);
        }
    }

    static String text(Response r) {
        return String.join("", r.messages()) + Replies.terminal(r);
    }
}
