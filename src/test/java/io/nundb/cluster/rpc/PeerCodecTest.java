package io.nundb.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class PeerCodecTest {

    /** Every kind of Raft message, with random values in every field (also fields added later). */
    @Test
    void everyRaftMessageTypeRoundTrips() {
        Class<?>[] kinds = RaftMessage.class.getPermittedSubclasses();
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(6);
        WireSamples samples = new WireSamples(42);
        for (Class<?> kind : kinds) {
            for (int i = 0; i < 200; i++) {
                RaftMessage message = (RaftMessage) samples.record(kind.asSubclass(Record.class));
                assertRoundTrip(message, PeerCodec::encode, PeerCodec::decodeRaft);
            }
        }
    }

    @Test
    void forwardsAndSetupRoundTrip() {
        WireSamples samples = new WireSamples(7);
        for (int i = 0; i < 200; i++) {
            assertRoundTrip(samples.record(ForwardRequest.class), PeerCodec::encode, PeerCodec::decodeForwardRequest);
            assertRoundTrip(samples.record(ForwardReply.class), PeerCodec::encode, PeerCodec::decodeForwardReply);
            assertRoundTrip(samples.record(PeerSetup.class), PeerCodec::encode, PeerCodec::decodeSetup);
        }
        assertRoundTrip(new ForwardRequest(null, null, false, ""), PeerCodec::encode, PeerCodec::decodeForwardRequest);
    }

    @Property(tries = 200)
    void appendEntriesRoundTrip(@ForAll("appendEntries") AppendEntries message) {
        assertRoundTrip(message, PeerCodec::encode, PeerCodec::decodeRaft);
    }

    @Test
    void entriesAreCompact() {
        LogEntry entry = new LogEntry(1_000_000, 3, OpType.PUT, "db", "key", 7, "value");
        ByteBuf buf = Unpooled.buffer();
        PeerCodec.encode(entry, new WireWriter(buf));
        // index 3 + term 1 + type 1 + (1+2) + (1+3) + version 1 + (1+5)
        assertThat(buf.readableBytes()).isEqualTo(19);
    }

    /** Every prefix of a valid message is refused as malformed, never with another exception. */
    @Test
    void truncatedMessagesAreMalformed() {
        WireSamples samples = new WireSamples(3);
        for (Class<?> kind : RaftMessage.class.getPermittedSubclasses()) {
            ByteBuf full = Unpooled.buffer();
            PeerCodec.encode((RaftMessage) samples.record(kind.asSubclass(Record.class)), full);
            for (int cut = 0; cut < full.readableBytes(); cut++) {
                ByteBuf prefix = full.slice(0, cut);
                assertThatThrownBy(() -> PeerCodec.decodeRaft(prefix)).isInstanceOf(MalformedMessageException.class);
            }
        }
    }

    @Test
    void lyingLengthsAndTagsAreMalformed() {
        ByteBuf hugeCount = Unpooled.buffer();
        new WireWriter(hugeCount)
                .tag(PeerCodec.APPEND_ENTRIES)
                .i64(1)
                .str("a")
                .i64(0)
                .i64(0)
                .i64(Integer.MAX_VALUE);
        assertThatThrownBy(() -> PeerCodec.decodeRaft(hugeCount)).isInstanceOf(MalformedMessageException.class);

        ByteBuf unknown = Unpooled.wrappedBuffer(new byte[] {99});
        assertThatThrownBy(() -> PeerCodec.decodeRaft(unknown)).isInstanceOf(MalformedMessageException.class);

        ByteBuf trailing = Unpooled.buffer();
        PeerCodec.encode(new ForwardReply("ok", 1), trailing);
        trailing.writeByte(0);
        assertThatThrownBy(() -> PeerCodec.decodeForwardReply(trailing)).isInstanceOf(MalformedMessageException.class);

        ByteBuf badOp = Unpooled.buffer();
        new WireWriter(badOp)
                .tag(PeerCodec.APPEND_ENTRIES)
                .i64(1)
                .str("a")
                .i64(0)
                .i64(0)
                .i64(1);
        new WireWriter(badOp)
                .i64(1)
                .i64(1)
                .tag(77)
                .str("db")
                .str("k")
                .i32(1)
                .str("v")
                .i64(0);
        assertThatThrownBy(() -> PeerCodec.decodeRaft(badOp)).isInstanceOf(MalformedMessageException.class);
    }

    @Provide
    Arbitrary<AppendEntries> appendEntries() {
        Arbitrary<String> text = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just("")),
                Tuple.of(10, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30)),
                Tuple.of(
                        10,
                        Arbitraries.integers()
                                .between(0, 0x10FFFF)
                                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                                .list()
                                .ofMaxSize(30)
                                .map(cps -> new String(
                                        cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()))),
                // large values: rare, or the property spends its time generating them
                Tuple.of(
                        1,
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofMinLength(20_000)
                                .ofMaxLength(100_000)));
        Arbitrary<LogEntry> entry = Combinators.combine(
                        Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.of(OpType.class),
                        text,
                        text,
                        Arbitraries.integers(),
                        text)
                .as(LogEntry::new);
        return Combinators.combine(
                        Arbitraries.longs(),
                        text,
                        Arbitraries.longs(),
                        Arbitraries.longs(),
                        entry.list().ofMaxSize(20),
                        Arbitraries.longs())
                .as(AppendEntries::new);
    }

    private static <T> void assertRoundTrip(T value, BiConsumer<T, ByteBuf> encode, Function<ByteBuf, ?> decode) {
        ByteBuf buf = Unpooled.buffer();
        encode.accept(value, buf);
        Object decoded = decode.apply(buf);
        assertThat(WireSamples.sameRecord((Record) value, (Record) decoded))
                .as("round trip of %s", value.getClass().getSimpleName())
                .isTrue();
    }

    @Test
    void setupCarriesSecretBytes() {
        PeerSetup setup = new PeerSetup("n1:3016", "s3cr€t".getBytes(StandardCharsets.UTF_8));
        ByteBuf buf = Unpooled.buffer();
        PeerCodec.encode(setup, buf);
        PeerSetup decoded = PeerCodec.decodeSetup(buf);
        assertThat(decoded.nodeId()).isEqualTo("n1:3016");
        assertThat(new SecretCheck("s3cr€t").matches(decoded.secret())).isTrue();
        assertThat(new SecretCheck("other").matches(decoded.secret())).isFalse();
        assertThat(new SecretCheck("other").matches(null)).isFalse();
        assertThat(List.of(decoded)).hasSize(1);
    }
}
