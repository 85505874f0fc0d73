package io.nundb.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.util.ByteBufPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * A peer channel's payloads are released once, by the handler that decodes them: none reaches
 * the operators after it, where RSocket's discard hook would release it again (and build an
 * exception per frame doing so).
 */
class ChannelInboundTest {

    @Test
    void everyPayloadReachesTheHandlerAndNoneIsDiscardedAfterIt() {
        List<Payload> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            sent.add(ByteBufPayload.create(Unpooled.buffer(4).writeInt(i)));
        }
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger discarded = new AtomicInteger();

        RSocketPeerTransport.inbound(Flux.fromIterable(sent), payload -> {
                    delivered.incrementAndGet();
                    payload.release();
                })
                .doOnDiscard(Payload.class, p -> discarded.incrementAndGet())
                .blockLast(Duration.ofSeconds(10));

        assertThat(delivered).hasValue(600);
        assertThat(discarded)
                .as("payloads handed to the discard hook after the handler")
                .hasValue(0);
        assertThat(sent).allSatisfy(p -> assertThat(p.refCnt()).isZero());
    }
}
