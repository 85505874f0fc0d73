package io.nundb.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One encoding of a run of entries serves every follower's AppendEntries, byte for byte. */
class SharedEntryEncodingTest {

    private static List<LogEntry> run(long from, int n, String value) {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LogEntry(from + i, 3, OpType.PUT, "db", "k€y" + i, i, value + i));
        }
        return out;
    }

    private static byte[] plain(AppendEntries m) {
        ByteBuf buf = Unpooled.buffer();
        PeerCodec.encode(m, buf);
        return ByteBufUtil.getBytes(buf);
    }

    private static byte[] shared(AppendEntries m, SharedEntryEncoding encoding) {
        ByteBuf buf = Unpooled.buffer();
        PeerCodec.encode(m, encoding.encode(m.entries()), buf);
        return ByteBufUtil.getBytes(buf);
    }

    @Test
    void eachFollowersMessageIsTheSameBytesAsEncodingItAlone() {
        SharedEntryEncoding encoding = new SharedEntryEncoding();
        List<LogEntry> entries = run(10, 5, "v");
        // two followers, same run, different prev/commit (as the leader's copies are)
        AppendEntries toA = new AppendEntries(3, "n1:1", 9, 3, entries, 8);
        AppendEntries toB = new AppendEntries(3, "n1:1", 9, 3, new ArrayList<>(entries), 9);
        assertThat(shared(toA, encoding)).isEqualTo(plain(toA));
        assertThat(shared(toB, encoding)).isEqualTo(plain(toB));
        assertThat(PeerCodec.decodeRaft(Unpooled.wrappedBuffer(shared(toB, encoding))))
                .isEqualTo(toB);
    }

    @Test
    void aRunIsReusedOnlyForTheVerySameEntryObjects() {
        SharedEntryEncoding encoding = new SharedEntryEncoding();
        List<LogEntry> entries = run(1, 3, "v");
        byte[] first = encoding.encode(entries);
        assertThat(encoding.encode(List.copyOf(entries))).isSameAs(first);

        // equal index and term but other contents (another object): never the old bytes
        List<LogEntry> other = run(1, 3, "w");
        byte[] second = encoding.encode(other);
        assertThat(second).isNotSameAs(first).isNotEqualTo(first);
        assertThat(second).isEqualTo(PeerCodec.encodeEntries(other));

        // a shorter run of the same objects is another run
        assertThat(encoding.encode(other.subList(0, 2))).isEqualTo(PeerCodec.encodeEntries(other.subList(0, 2)));
    }
}
