package io.nundb.cluster.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.raft.RaftMessage;
import io.nundb.cluster.raft.RaftMessage.AppendEntries;
import io.nundb.cluster.raft.RaftMessage.AppendReply;
import io.nundb.cluster.raft.RaftMessage.InstallSnapshot;
import io.nundb.cluster.raft.RaftMessage.InstallSnapshotReply;
import io.nundb.cluster.raft.RaftMessage.VoteReply;
import io.nundb.cluster.raft.RaftMessage.VoteRequest;
import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer wire format: one tag byte, then the record's fields in declaration order. Hand-written
 * (no reflection, no JSON) because AppendEntries is the replication hot path. Adding a field to a
 * record is one line in its encoder and one argument in its decoder; the round-trip tests build
 * every record reflectively, so a forgotten field fails them. Stateless and thread-safe.
 */
final class PeerCodec {

    static final int VOTE_REQUEST = 1;
    static final int VOTE_REPLY = 2;
    static final int APPEND_ENTRIES = 3;
    static final int APPEND_REPLY = 4;
    static final int INSTALL_SNAPSHOT = 5;
    static final int INSTALL_SNAPSHOT_REPLY = 6;
    static final int FORWARD_REQUEST = 16;
    static final int FORWARD_REPLY = 17;
    static final int PING = 18;
    static final int SETUP = 19;

    private PeerCodec() {}

    static void encode(RaftMessage message, ByteBuf buf) {
        WireWriter out = new WireWriter(buf);
        if (message instanceof VoteRequest m) {
            out.tag(VOTE_REQUEST)
                    .i64(m.term())
                    .str(m.from())
                    .i64(m.lastLogIndex())
                    .i64(m.lastLogTerm())
                    .bool(m.preVote());
        } else if (message instanceof VoteReply m) {
            out.tag(VOTE_REPLY).i64(m.term()).str(m.from()).bool(m.granted()).bool(m.preVote());
        } else if (message instanceof AppendEntries m) {
            appendHeader(m, out);
            writeEntries(m.entries(), out);
            out.i64(m.leaderCommit());
        } else if (message instanceof AppendReply m) {
            out.tag(APPEND_REPLY).i64(m.term()).str(m.from()).bool(m.success()).i64(m.matchIndex());
        } else if (message instanceof InstallSnapshot m) {
            out.tag(INSTALL_SNAPSHOT)
                    .i64(m.term())
                    .str(m.from())
                    .i64(m.lastIncludedIndex())
                    .i64(m.lastIncludedTerm())
                    .i64(m.offset())
                    .bytes(m.chunk())
                    .bool(m.done());
        } else if (message instanceof InstallSnapshotReply m) {
            out.tag(INSTALL_SNAPSHOT_REPLY)
                    .i64(m.term())
                    .str(m.from())
                    .i64(m.lastIncludedIndex())
                    .i64(m.nextOffset())
                    .bool(m.done());
        } else {
            throw new IllegalArgumentException(
                    "no wire encoding for " + message.getClass().getName());
        }
    }

    static RaftMessage decodeRaft(ByteBuf buf) {
        WireReader in = new WireReader(buf);
        int tag = in.tag();
        // Java evaluates arguments left to right, so each constructor call reads the fields in order
        RaftMessage message = switch (tag) {
            case VOTE_REQUEST -> new VoteRequest(in.i64(), in.str(), in.i64(), in.i64(), in.bool());
            case VOTE_REPLY -> new VoteReply(in.i64(), in.str(), in.bool(), in.bool());
            case APPEND_ENTRIES -> new AppendEntries(in.i64(), in.str(), in.i64(), in.i64(), entries(in), in.i64());
            case APPEND_REPLY -> new AppendReply(in.i64(), in.str(), in.bool(), in.i64());
            case INSTALL_SNAPSHOT ->
                new InstallSnapshot(in.i64(), in.str(), in.i64(), in.i64(), in.i64(), in.bytes(), in.bool());
            case INSTALL_SNAPSHOT_REPLY -> new InstallSnapshotReply(in.i64(), in.str(), in.i64(), in.i64(), in.bool());
            default -> throw new MalformedMessageException("unknown message tag " + tag);
        };
        in.end();
        return message;
    }

    /**
     * An AppendEntries whose entries section ({@link #encodeEntries} of its entries) is encoded
     * already: the same bytes as {@link #encode(RaftMessage, ByteBuf)}.
     */
    static void encode(AppendEntries m, byte[] encodedEntries, ByteBuf buf) {
        WireWriter out = new WireWriter(buf);
        appendHeader(m, out);
        buf.writeBytes(encodedEntries);
        out.i64(m.leaderCommit());
    }

    /** The entries section of an AppendEntries (count, then each entry), to be shared by several messages. */
    static byte[] encodeEntries(List<LogEntry> entries) {
        ByteBuf buf = Unpooled.buffer(64 * entries.size() + 8);
        writeEntries(entries, new WireWriter(buf));
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static void appendHeader(AppendEntries m, WireWriter out) {
        out.tag(APPEND_ENTRIES)
                .i64(m.term())
                .str(m.from())
                .i64(m.prevLogIndex())
                .i64(m.prevLogTerm());
    }

    private static void writeEntries(List<LogEntry> entries, WireWriter out) {
        out.i64(entries.size());
        for (LogEntry e : entries) {
            encode(e, out);
        }
    }

    static void encode(LogEntry e, WireWriter out) {
        out.i64(e.index())
                .i64(e.term())
                .tag(e.type().code())
                .str(e.db())
                .str(e.key())
                .i32(e.version())
                .str(e.value());
    }

    static LogEntry decodeEntry(WireReader in) {
        return new LogEntry(in.i64(), in.i64(), opType(in.tag()), in.str(), in.str(), in.i32(), in.str());
    }

    private static List<LogEntry> entries(WireReader in) {
        int n = in.count();
        List<LogEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(decodeEntry(in));
        }
        return entries;
    }

    private static OpType opType(int code) {
        try {
            return OpType.fromCode((byte) code);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("unknown op type " + code);
        }
    }

    static void encode(ForwardRequest r, ByteBuf buf) {
        new WireWriter(buf)
                .tag(FORWARD_REQUEST)
                .str(r.db())
                .str(r.user())
                .bool(r.admin())
                .str(r.command());
    }

    static void encode(ForwardReply r, ByteBuf buf) {
        new WireWriter(buf).tag(FORWARD_REPLY).str(r.reply()).i64(r.index());
    }

    /** The request-response tag: {@link #FORWARD_REQUEST} or {@link #PING}; leaves the body to read. */
    static int peekTag(ByteBuf buf) {
        if (!buf.isReadable()) {
            throw new MalformedMessageException("empty request");
        }
        return buf.getUnsignedByte(buf.readerIndex());
    }

    static ForwardRequest decodeForwardRequest(ByteBuf buf) {
        WireReader in = expect(buf, FORWARD_REQUEST);
        ForwardRequest r = new ForwardRequest(in.str(), in.str(), in.bool(), in.str());
        in.end();
        return r;
    }

    static ForwardReply decodeForwardReply(ByteBuf buf) {
        WireReader in = expect(buf, FORWARD_REPLY);
        ForwardReply r = new ForwardReply(in.str(), in.i64());
        in.end();
        return r;
    }

    static void encode(PeerSetup s, ByteBuf buf) {
        new WireWriter(buf)
                .tag(SETUP)
                .i64(PeerSetup.WIRE_VERSION)
                .str(s.nodeId())
                .bytes(s.secret());
    }

    static PeerSetup decodeSetup(ByteBuf buf) {
        WireReader in = expect(buf, SETUP);
        long version = in.i64();
        if (version != PeerSetup.WIRE_VERSION) {
            throw new MalformedMessageException("peer speaks wire version " + version);
        }
        PeerSetup s = new PeerSetup(in.str(), in.bytes());
        in.end();
        return s;
    }

    private static WireReader expect(ByteBuf buf, int tag) {
        WireReader in = new WireReader(buf);
        int actual = in.tag();
        if (actual != tag) {
            throw new MalformedMessageException("expected message tag " + tag + ", got " + actual);
        }
        return in;
    }
}
