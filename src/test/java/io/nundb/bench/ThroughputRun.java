package io.nundb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop throughput: every connection sends {@code depth} commands in one write, waits for
 * all their replies, and repeats. One selector thread drives all connections, so the generator
 * costs one core at most and no context switch per request. Only replies that arrive between
 * the end of the warm-up and the end of the run are counted.
 */
final class ThroughputRun {

    enum Op {
        SET,
        GET
    }

    record Result(Op op, int connections, int depth, long operations, double seconds, long errors, String firstError) {
        double opsPerSecond() {
            return operations / seconds;
        }
    }

    private static final long DRAIN_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private final Target target;
    private final byte[][] keys;
    private final byte[] value;
    private Runnable atMeasureStart = () -> {};

    ThroughputRun(Target target, byte[][] keys, byte[] value) {
        this.target = target;
        this.keys = keys;
        this.value = value;
    }

    /**
     * Runs {@code action} on the generator's thread once the warm-up is over, before the first counted
     * reply (to read CPU counters for the measured window alone); the window starts after it returns.
     */
    ThroughputRun atMeasureStart(Runnable action) {
        this.atMeasureStart = action;
        return this;
    }

    /** Sets every key once, so GET runs read existing values. */
    void prefill() throws IOException {
        Protocol protocol = target.protocol();
        try (Connection c = Connection.open(target)) {
            protocol.open(c);
            for (byte[] key : keys) {
                protocol.encodeSet(c.out(), key, value);
                c.flush();
                int n = c.readReply();
                if (protocol.isError(c.in(), c.in().position(), n)) {
                    throw new IOException("prefill failed: " + Ascii.text(c.in(), c.in().position(), n));
                }
                c.consume(n);
            }
        }
    }

    Result run(Op op, int connections, int depth, Duration warmup, Duration duration) throws IOException {
        Protocol protocol = target.protocol();
        List<Client> clients = new ArrayList<>(connections);
        try (Selector selector = Selector.open()) {
            try {
                for (int i = 0; i < connections; i++) {
                    Connection c = Connection.open(target);
                    Client client = new Client(c, (i * Math.max(1, keys.length / connections)) % keys.length);
                    clients.add(client);
                    protocol.open(c);
                    c.channel().configureBlocking(false);
                    client.key = c.channel().register(selector, SelectionKey.OP_READ, client);
                }
                return drive(selector, clients, op, depth, warmup, duration);
            } finally {
                for (Client client : clients) {
                    client.connection.close();
                }
            }
        }
    }

    private Result drive(Selector selector, List<Client> clients, Op op, int depth, Duration warmup, Duration duration)
            throws IOException {
        Protocol protocol = target.protocol();
        long start = System.nanoTime();
        long measureStart = start + warmup.toNanos();
        long end = measureStart + duration.toNanos();
        boolean measuring = false;
        long counted = 0;
        long errors = 0;
        String firstError = null;
        int busy = 0;
        for (Client client : clients) {
            send(client, op, depth);
            busy++;
        }
        boolean stopping = false;
        while (busy > 0) {
            long now = System.nanoTime();
            if (!stopping && now >= end) {
                stopping = true;
            }
            if (stopping && now - end > DRAIN_TIMEOUT) {
                throw new IOException(busy + " connections still waiting for replies 10 s after the run ended");
            }
            selector.select(100);
            now = System.nanoTime();
            if (!measuring && now >= measureStart) {
                measuring = true;
                atMeasureStart.run();
                now = System.nanoTime();
                measureStart = now;
                end = now + duration.toNanos();
            }
            boolean inWindow = now >= measureStart && now < end;
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                Client client = (Client) key.attachment();
                Connection c = client.connection;
                if (key.isWritable()) {
                    c.channel().write(client.pending);
                    if (!client.pending.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (!key.isReadable()) {
                    continue;
                }
                c.fill();
                ByteBuffer in = c.in();
                int n;
                while (client.outstanding > 0 && (n = protocol.replyLength(in)) >= 0) {
                    if (protocol.isError(in, in.position(), n)) {
                        errors++;
                        if (firstError == null) {
                            firstError = Ascii.text(in, in.position(), n).strip();
                        }
                    }
                    c.consume(n);
                    client.outstanding--;
                    if (inWindow) {
                        counted++;
                    }
                }
                if (client.outstanding == 0) {
                    if (stopping) {
                        busy--;
                    } else {
                        send(client, op, depth);
                    }
                }
            }
        }
        double seconds = (Math.min(System.nanoTime(), end) - measureStart) / 1e9;
        return new Result(op, clients.size(), depth, counted, seconds, errors, firstError);
    }

    private void send(Client client, Op op, int depth) throws IOException {
        Protocol protocol = target.protocol();
        ByteBuffer out = client.connection.out();
        for (int i = 0; i < depth; i++) {
            byte[] key = keys[client.nextKey];
            client.nextKey = client.nextKey + 1 == keys.length ? 0 : client.nextKey + 1;
            if (op == Op.SET) {
                protocol.encodeSet(out, key, value);
            } else {
                protocol.encodeGet(out, key);
            }
        }
        out.flip();
        client.connection.channel().write(out);
        client.pending = out;
        client.outstanding = depth;
        if (out.hasRemaining()) {
            client.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /** Per-connection state of the loop. */
    private static final class Client {
        final Connection connection;
        int nextKey;
        int outstanding;
        ByteBuffer pending;
        SelectionKey key;

        Client(Connection connection, int firstKey) {
            this.connection = connection;
            this.nextKey = firstKey;
        }
    }
}
