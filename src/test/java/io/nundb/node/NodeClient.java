package io.nundb.node;

import io.nundb.command.Session;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.watch.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A session on a {@link NunDbNode}'s engine that records what is pushed to it (watch events). */
final class NodeClient implements Outbox {

    private final NunDbNode node;
    private final Session session;
    private final List<String> pushed = new ArrayList<>();

    NodeClient(NunDbNode node) {
        this.node = node;
        this.session = new Session("test", this);
    }

    @Override
    public synchronized boolean offer(String message) {
        pushed.add(message);
        return true;
    }

    /** Messages pushed so far (watch notifications), cleared. */
    synchronized List<String> pushed() {
        List<String> out = List.copyOf(pushed);
        pushed.clear();
        return out;
    }

    /** The text a TCP client reads for the command: its messages, then the final line. */
    String send(String command) {
        try {
            Response r = node.executor().execute(session, command).get(10, TimeUnit.SECONDS);
            return String.join("", r.messages()) + Replies.terminal(r);
        } catch (Exception e) {
            throw new AssertionError("command did not complete: " + command, e);
        }
    }
}
