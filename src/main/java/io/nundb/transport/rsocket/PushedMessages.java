package io.nundb.transport.rsocket;

import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.Outbox;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * An RSocket connection's pushed messages (watch notifications, arbiter requests): delivered on the
 * connection's {@code messages} stream while one is open, dropped while none is. A stream that
 * falls more than the outbox limit behind is ended with the slow-consumer error.
 */
final class PushedMessages implements Outbox {

    private final int limit;
    private final DeliveryStats stats;
    private Sinks.Many<String> sink;

    PushedMessages(int limit, DeliveryStats stats) {
        this.limit = limit;
        this.stats = stats;
    }

    /** Opens the stream, replacing (and completing) an earlier one. */
    synchronized Flux<String> open() {
        if (sink != null) {
            sink.tryEmitComplete();
        }
        Sinks.Many<String> s = Sinks.many()
                .unicast()
                .onBackpressureBuffer(Queues.<String>get(limit).get());
        sink = s;
        return s.asFlux().doFinally(signal -> clear(s));
    }

    private synchronized void clear(Sinks.Many<String> s) {
        if (sink == s) {
            sink = null;
        }
    }

    @Override
    public synchronized boolean offer(String message) {
        if (sink == null) {
            return false;
        }
        Sinks.EmitResult result = sink.tryEmitNext(message);
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            stats.slowConsumerDisconnected();
            stats.dropped();
            sink.tryEmitError(new IllegalStateException(BoundedOutbox.SLOW_CONSUMER.strip()));
            sink = null;
            return false;
        }
        return result.isSuccess();
    }

    synchronized void close() {
        if (sink != null) {
            sink.tryEmitComplete();
            sink = null;
        }
    }
}
