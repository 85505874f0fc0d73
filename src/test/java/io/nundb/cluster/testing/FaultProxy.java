package io.nundb.cluster.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP proxy on a loopback port in front of one loopback target, for putting faults between
 * server processes: {@link #blackhole()} (a partition: connections stay open, every byte both ways
 * is dropped), {@link #blackholeFrom(String)} (the same, only for connections opened by one node),
 * {@link #cutAll()} (every connection is reset), {@link #delay(long)} (each byte arrives that much
 * later), {@link #resume()}.
 *
 * <p>A proxy sits in front of one node's port, so it sees that node's inbound connections only;
 * {@link #blackholeFrom(String)} is what cuts a node's outbound ones: the peers' proxies recognise
 * its connections by the node id the connection opens with (a cluster peer link starts with a SETUP
 * frame naming its sender), so a partition can be made whole, in both directions.
 *
 * <p>Threads: blocking sockets, one accept thread and, per connection and direction, a reader
 * thread (reads, stamps, drops when blackholed) and a writer thread (writes each chunk when due),
 * so a delay adds latency without throttling. A connection that lost bytes to a blackhole cannot
 * carry a framed protocol any more (a real partition that long ends in a connection timeout), so
 * {@link #resume()} resets those; the others carry on.
 */
public final class FaultProxy implements AutoCloseable {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final String name = "fault-proxy-" + IDS.incrementAndGet();
    private volatile boolean blackholed;
    /** Node ids whose connections are blackholed (matched against the first bytes each connection sends). */
    private final Set<String> blockedOrigins = ConcurrentHashMap.newKeySet();
    /** Bytes dropped because their connection came from a blocked origin (not by {@link #blackhole()}). */
    private final LongAdder originDropped = new LongAdder();

    private volatile long delayNanos;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, name + "-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy on an ephemeral loopback port forwarding to {@code host:port}, which must be a loopback address. */
    public static FaultProxy start(String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("FaultProxy only forwards to loopback addresses, not " + host);
        }
        return new FaultProxy(new InetSocketAddress(address, port));
    }

    /** The port peers connect to instead of the target's. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}: the address to advertise in place of the target's. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Keeps connections (and accepts new ones) but drops every byte both ways. */
    public void blackhole() {
        blackholed = true;
    }

    /** Resets every open connection; new ones are accepted as usual. */
    public void cutAll() {
        for (Link link : links) {
            link.reset();
        }
    }

    /** Delays every byte by {@code ms} in each direction (0: none). */
    public void delay(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + ms);
        }
        delayNanos = TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /**
     * Drops every byte both ways on the connections (open now or later) whose first bytes name
     * {@code origin} as a whole token, e.g. a cluster peer's SETUP carrying its node id {@code
     * 127.0.0.1:port}; other connections carry on.
     */
    public void blackholeFrom(String origin) {
        if (origin == null || origin.isEmpty()) {
            throw new IllegalArgumentException("an origin to blackhole is needed");
        }
        blockedOrigins.add(origin);
    }

    /** Ends every blackhole (resetting the connections that lost bytes) and removes the delay. */
    public void resume() {
        blackholed = false;
        blockedOrigins.clear();
        delayNanos = 0;
        for (Link link : links) {
            if (link.lostBytes) {
                link.reset();
            }
        }
    }

    /** Bytes dropped so far on connections from an origin blocked with {@link #blackholeFrom(String)}. */
    public long originDroppedBytes() {
        return originDropped.sum();
    }

    /** Connections open now. */
    public int connections() {
        return links.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        cutAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                // Target down: the client sees its connection reset, as it would without the proxy.
                Link.closeQuietly(upstream);
                Link.resetQuietly(client);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        }
    }

    /** How much of a connection's first bytes is kept to recognise its origin. */
    private static final int HEAD_LIMIT = 1024;

    /** Whether {@code token} occurs in {@code bytes} with no letter or digit right before or after it. */
    static boolean containsToken(byte[] bytes, byte[] token) {
        outer:
        for (int at = 0; at + token.length <= bytes.length; at++) {
            for (int i = 0; i < token.length; i++) {
                if (bytes[at + i] != token[i]) {
                    continue outer;
                }
            }
            boolean cleanBefore = at == 0 || !Character.isLetterOrDigit(bytes[at - 1]);
            int end = at + token.length;
            boolean cleanAfter = end == bytes.length || !Character.isLetterOrDigit(bytes[end]);
            if (cleanBefore && cleanAfter) {
                return true;
            }
        }
        return false;
    }

    /** Bytes read at some time, to be written when {@code due} ({@link System#nanoTime()}); empty: end of stream. */
    private record Chunk(long due, byte[] bytes) {}

    /** One proxied connection: client and upstream sockets and the two pumps between them. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        final AtomicInteger openDirections = new AtomicInteger(2);
        volatile boolean lostBytes;
        /** The first bytes the client sent (up to {@link #HEAD_LIMIT}): how its origin is recognised. */
        volatile byte[] head = new byte[0];

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> read(from, chunks), name + "-" + direction + "-read");
            Thread writer = new Thread(() -> write(to, chunks), name + "-" + direction + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void read(Socket from, BlockingQueue<Chunk> chunks) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (from == client) {
                        remember(buffer, n);
                    }
                    if (dropping(n)) {
                        lostBytes = true;
                        continue;
                    }
                    chunks.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // reset or closed: the writer ends the other side
            }
            chunks.add(new Chunk(System.nanoTime(), new byte[0])); // end of stream
        }

        private void write(Socket to, BlockingQueue<Chunk> chunks) {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = chunks.take();
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the injected delay itself
                    }
                    if (chunk.bytes().length == 0) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset();
            }
            if (openDirections.decrementAndGet() == 0) {
                closeQuietly(client);
                closeQuietly(upstream);
                links.remove(this);
            }
        }

        /** On the up reader thread: keeps the start of what the client sends. */
        private void remember(byte[] buffer, int n) {
            byte[] h = head;
            if (h.length < HEAD_LIMIT) {
                int take = Math.min(n, HEAD_LIMIT - h.length);
                byte[] longer = Arrays.copyOf(h, h.length + take);
                System.arraycopy(buffer, 0, longer, h.length, take);
                head = longer;
            }
        }

        private boolean dropping(int bytes) {
            if (blackholed) {
                return true;
            }
            for (String origin : blockedOrigins) {
                if (containsToken(head, origin.getBytes(StandardCharsets.UTF_8))) {
                    originDropped.add(bytes);
                    return true;
                }
            }
            return false;
        }

        void reset() {
            links.remove(this);
            resetQuietly(client);
            resetQuietly(upstream);
        }

        /** Closes with SO_LINGER 0: the peer gets a reset, as when a process dies or a link breaks. */
        static void resetQuietly(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException e) {
                // already closed
            }
            closeQuietly(socket);
        }

        static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // a socket that fails to close is closed as far as the proxy is concerned
            }
        }
    }
}
