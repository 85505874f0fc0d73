package io.nundb.transport.rsocket;

import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.ByteBudget;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.Outbox;
import io.nundb.watch.OutboxLimits;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * An RSocket connection's pushed messages (watch notifications, arbiter requests): delivered on the
 * connection's {@code messages} stream while one is open, dropped while none is. Messages not yet
 * taken by the stream are bounded in number and size (the connection's {@link OutboxLimits}); a
 * stream that falls further behind gets {@link BoundedOutbox#SLOW_CONSUMER} as its last message
 * and then ends with that error. Any thread may offer; the methods synchronize on this object.
 */
final class PushedMessages implements Outbox {

    /** One open {@code messages} stream and what it holds of the node-wide budget. */
    private static final class Stream {
        final Sinks.Many<String> sink;
        int count;
        long bytes;
        boolean done;

        Stream(Sinks.Many<String> sink) {
            this.sink = sink;
        }
    }

    private final OutboxLimits limits;
    private final DeliveryStats stats;
    private Stream stream;

    PushedMessages(OutboxLimits limits, DeliveryStats stats) {
        this.limits = limits;
        this.stats = stats;
    }

    /** Opens the stream, replacing (and completing) an earlier one. */
    synchronized Flux<String> open() {
        if (stream != null) {
            end(stream);
            stream.sink.tryEmitComplete();
        }
        // one slot more than the limit: room for the slow-consumer message
        Stream s = new Stream(Sinks.many()
                .unicast()
                .onBackpressureBuffer(Queues.<String>get(limits.messages() + 1).get()));
        stream = s;
        return s.sink.asFlux().doOnNext(m -> delivered(s, m)).doFinally(signal -> end(s));
    }

    private synchronized void delivered(Stream s, String message) {
        if (!s.done) {
            long weight = ByteBudget.weight(message);
            s.count--;
            s.bytes -= weight;
            limits.total().release(weight);
        }
    }

    /** The stream is over: what it still held goes back to the node-wide budget. */
    private synchronized void end(Stream s) {
        if (!s.done) {
            s.done = true;
            limits.total().release(s.bytes);
            s.bytes = 0;
        }
        if (stream == s) {
            stream = null;
        }
    }

    @Override
    public synchronized boolean offer(String message) {
        Stream s = stream;
        if (s == null) {
            return false;
        }
        long weight = ByteBudget.weight(message);
        boolean fits = s.count < limits.messages() && (s.bytes + weight <= limits.bytes() || s.bytes == 0);
        if (!fits || !limits.total().tryReserve(weight)) {
            stats.slowConsumerDisconnected();
            stats.dropped();
            end(s);
            s.sink.tryEmitNext(BoundedOutbox.SLOW_CONSUMER);
            s.sink.tryEmitError(new IllegalStateException(BoundedOutbox.SLOW_CONSUMER.strip()));
            return false;
        }
        if (s.sink.tryEmitNext(message).isFailure()) {
            limits.total().release(weight);
            return false;
        }
        s.count++;
        s.bytes += weight;
        return true;
    }

    synchronized void close() {
        if (stream != null) {
            Stream s = stream;
            end(s);
            s.sink.tryEmitComplete();
        }
    }
}
