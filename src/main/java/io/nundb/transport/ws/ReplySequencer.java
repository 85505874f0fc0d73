package io.nundb.transport.ws;

import io.nundb.health.FatalErrors;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.watch.Outbox;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps replies in command order on one connection: a read that completes at once must still wait
 * behind an earlier write that is not yet durable. Each command's messages and final line go to the
 * outbox together, as soon as it and every command before it are done.
 */
final class ReplySequencer {

    private final Outbox outbox;
    private final ArrayDeque<CompletableFuture<Response>> pending = new ArrayDeque<>();

    ReplySequencer(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Queues one command's reply; call in command order. */
    void add(CompletableFuture<Response> reply) {
        synchronized (this) {
            pending.addLast(reply);
        }
        if (reply.isDone()) {
            flush();
        } else {
            reply.whenComplete((r, e) -> flush());
        }
    }

    private synchronized void flush() {
        while (!pending.isEmpty() && pending.peekFirst().isDone()) {
            Response r = pending.removeFirst()
                    .exceptionally(e -> {
                        FatalErrors.report("WebSocket command", e.getCause() == null ? e : e.getCause());
                        return Response.error("internal error");
                    })
                    .join();
            for (String m : r.messages()) {
                outbox.offer(m);
            }
            outbox.offer(Replies.terminal(r));
        }
    }
}
