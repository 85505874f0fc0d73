package io.nundb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-out: N connections watch one key, a writer connection sets it, and the run times how long
 * until the LAST watcher has the change (from just before the {@code set} goes out to the read
 * that completes the last watcher's message). One write in flight at a time: the next one goes out
 * once every watcher has the previous one and its ack is read, after a pause. All watchers are
 * read by one selector thread (the caller's), each with a small buffer of its own.
 */
final class FanoutRun {

    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(60);
    private static final RespProtocol RESP = new RespProtocol();

    record Result(LatencyRecorder lastArrival, LatencyRecorder firstArrival, int watchers, double setupSeconds) {}

    private final ManyConnections.Kind kind;
    private final String host;
    private final int watchPort;
    private final Target writerTarget;
    private final String key;
    private final byte[] keyBytes;
    private final byte[] changePrefix;
    private final List<String> watchCommands;

    FanoutRun(
            ManyConnections.Kind kind,
            String host,
            int watchPort,
            Target writerTarget,
            String key,
            List<String> watchCommands) {
        this.kind = kind;
        this.host = host;
        this.watchPort = watchPort;
        this.writerTarget = writerTarget;
        this.key = key;
        this.keyBytes = Ascii.bytes(key);
        this.changePrefix = Ascii.bytes("changed " + key + " ");
        this.watchCommands = watchCommands;
    }

    Result run(int watchers, int warmupWrites, int writes, long pauseMillis) throws IOException {
        long setupStart = System.nanoTime();
        List<ManyConnections.Conn> conns =
                new ManyConnections(kind, host, watchPort, watchCommands, 512).open(watchers);
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        Protocol protocol = writerTarget.protocol();
        LatencyRecorder last = new LatencyRecorder();
        LatencyRecorder first = new LatencyRecorder();
        try (Selector selector = Selector.open();
                Connection writer = Connection.open(writerTarget)) {
            protocol.open(writer);
            for (ManyConnections.Conn c : conns) {
                c.channel.configureBlocking(false);
                c.channel.register(selector, SelectionKey.OP_READ, c);
            }
            int[] pending = new int[1];
            for (int w = -warmupWrites; w < writes; w++) {
                pending[0] = watchers;
                long firstAt = 0;
                long lastAt = 0;
                protocol.encodeSet(writer.out(), keyBytes, Ascii.bytes(Integer.toString(w + warmupWrites)));
                long sentAt = System.nanoTime();
                writer.flush();
                while (pending[0] > 0) {
                    selector.select(100);
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey k = ready.next();
                        ready.remove();
                        ManyConnections.Conn c = (ManyConnections.Conn) k.attachment();
                        c.fill();
                        long now = System.nanoTime();
                        int before = pending[0];
                        drain(c, pending);
                        if (pending[0] < before) {
                            if (firstAt == 0) {
                                firstAt = now;
                            }
                            lastAt = now;
                        }
                    }
                    if (pending[0] > 0 && System.nanoTime() - sentAt > WRITE_TIMEOUT) {
                        throw new IOException(pending[0] + " of " + watchers + " watchers still lacked write " + w
                                + " after " + TimeUnit.NANOSECONDS.toSeconds(WRITE_TIMEOUT) + " s");
                    }
                }
                if (w >= 0) {
                    last.record(lastAt - sentAt);
                    first.record(firstAt - sentAt);
                }
                int n = writer.readReply();
                if (protocol.isError(writer.in(), writer.in().position(), n)) {
                    throw new IOException(
                            "set failed: " + Ascii.text(writer.in(), writer.in().position(), n));
                }
                writer.consume(n);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
            }
            if (pending[0] < 0) {
                throw new IOException("more changes arrived than were sent");
            }
        } finally {
            ManyConnections.closeAll(conns);
        }
        return new Result(last, first, watchers, setupSeconds);
    }

    /** Consumes every complete message in {@code c}'s buffer; each change of the key lowers {@code pending}. */
    private void drain(ManyConnections.Conn c, int[] pending) throws IOException {
        ByteBuffer in = c.in;
        while (true) {
            int start = in.position();
            switch (kind) {
                case NUNDB_TCP -> {
                    int n = lineLength(in, start, in.limit());
                    if (n < 0) {
                        return;
                    }
                    if (Ascii.startsWith(in, start, n, changePrefix)) {
                        pending[0]--;
                    }
                    in.position(start + n);
                }
                case RESP -> {
                    int n = RESP.messageLength(in);
                    if (n < 0) {
                        return;
                    }
                    if (RESP.changeStamp(in, start, n, keyBytes) != Protocol.NOT_A_CHANGE) {
                        pending[0]--;
                    }
                    in.position(start + n);
                }
                case NUNDB_WS -> {
                    int f = WsFrames.frameLength(in);
                    if (f < 0) {
                        return;
                    }
                    if (WsFrames.opcode(in, start) == WsFrames.OP_CLOSE) {
                        throw new IOException("the server closed a WebSocket watcher");
                    }
                    int header = WsFrames.headerLength(in, start);
                    // A frame may carry one line or several; count the change lines in it.
                    int i = start + header;
                    int end = start + f;
                    while (i < end) {
                        int n = lineLength(in, i, end);
                        int length = n < 0 ? end - i : n;
                        if (Ascii.startsWith(in, i, length, changePrefix)) {
                            pending[0]--;
                        }
                        i += length;
                    }
                    in.position(end);
                }
            }
        }
    }

    /** Length of the LF-terminated line at {@code from} (LF included) before {@code to}, or -1. */
    private static int lineLength(ByteBuffer in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == '\n') {
                return i + 1 - from;
            }
        }
        return -1;
    }
}
