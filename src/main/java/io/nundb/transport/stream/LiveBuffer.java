package io.nundb.transport.stream;

import io.nundb.protocol.ErrorCode;
import io.nundb.watch.ByteBudget;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.OutboxLimits;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The live changes of one watch stream that the client has not taken yet, bounded in number and
 * size by the stream's {@link OutboxLimits}. A stream that falls further behind, or that
 * {@link #end ends} for another reason, gets what was buffered and then one last
 * {@link StreamEvent#ERROR error} event saying why: it never just stops. {@link #offer} runs on
 * writers' threads (inside a key lock, so it never blocks); the rest on the subscriber's.
 */
final class LiveBuffer {

    static final String SLOW_CONSUMER = "slow consumer: stream buffer full";

    private final OutboxLimits limits;
    private final Sinks.Many<ChangeFeed.Change> sink;
    private int count;
    private long bytes;
    private boolean done;
    private boolean released;
    private StreamEvent ending;

    LiveBuffer(OutboxLimits limits) {
        this.limits = limits;
        this.sink = Sinks.many()
                .unicast()
                .onBackpressureBuffer(
                        Queues.<ChangeFeed.Change>get(limits.messages()).get());
    }

    private static long weight(ChangeFeed.Change c) {
        return c.key().length() + (c.value() == null ? 0 : ByteBudget.weight(c.value()));
    }

    /** Queues a change; past the limits the stream is ended as a slow consumer. */
    synchronized void offer(ChangeFeed.Change change) {
        if (done) {
            return;
        }
        long w = weight(change);
        boolean fits = count < limits.messages() && (bytes + w <= limits.bytes() || bytes == 0);
        if (!fits || !limits.total().tryReserve(w)) {
            end(ErrorCode.TOO_LARGE, SLOW_CONSUMER);
            return;
        }
        count++;
        bytes += w;
        if (sink.tryEmitNext(change).isFailure()) {
            count--;
            bytes -= w;
            limits.total().release(w);
            end(ErrorCode.TOO_LARGE, SLOW_CONSUMER);
        }
    }

    /** Ends the stream after what is buffered, with an error event carrying {@code code} and {@code reason}. */
    synchronized void end(ErrorCode code, String reason) {
        if (done) {
            return;
        }
        done = true;
        ending = StreamEvent.error(code, reason);
        sink.tryEmitComplete();
    }

    private synchronized void taken(ChangeFeed.Change change) {
        if (released) {
            return;
        }
        long w = weight(change);
        count--;
        bytes -= w;
        limits.total().release(w);
    }

    private synchronized void released() {
        done = true;
        released = true;
        limits.total().release(bytes);
        bytes = 0;
        count = 0;
    }

    private synchronized StreamEvent ending() {
        return ending;
    }

    /** The buffered changes, then the error event if the stream was ended. Subscribe once. */
    Flux<ChangeFeed.Change> changes() {
        return sink.asFlux().doOnNext(this::taken).doFinally(signal -> released());
    }

    /** The error event that follows {@link #changes()}, if any. */
    Mono<StreamEvent> endingEvent() {
        return Mono.defer(() -> Mono.justOrEmpty(ending()));
    }
}
