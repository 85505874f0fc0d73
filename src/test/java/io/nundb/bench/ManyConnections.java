package io.nundb.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens thousands of client connections for the perf bench's fan-out and idle phases: NunDB text over
 * TCP, NunDB over WebSocket, or RESP. Connections are opened and set up (greeting, upgrade, the
 * given commands) in batches: a batch is connected, all its setup bytes are sent, then each
 * connection's replies are read, so the server works on a batch in parallel. Connections past the
 * first {@link #PER_SOURCE_ADDRESS} bind source address 127.0.0.2, 127.0.0.3, … ({@link
 * #PER_SOURCE_ADDRESS} per address), so that 50,000 connections to one port do not run out of
 * ephemeral ports. Runs on the caller's thread.
 */
final class ManyConnections {

    enum Kind {
        NUNDB_TCP,
        NUNDB_WS,
        RESP
    }

    /** One open connection and its receive buffer (read mode: position..limit not yet consumed). */
    static final class Conn {
        final SocketChannel channel;
        ByteBuffer in;

        Conn(SocketChannel channel, int bufferSize) {
            this.channel = channel;
            this.in = ByteBuffer.allocate(bufferSize).flip();
        }

        /** Reads what is available; grows the buffer when it is full of an incomplete unit. */
        int fill() throws IOException {
            in = Connection.compactForRead(in);
            int read;
            try {
                read = channel.read(in);
            } finally {
                in.flip();
            }
            if (read < 0) {
                throw new EOFException("the server closed a connection");
            }
            return read;
        }
    }

    static final int PER_SOURCE_ADDRESS = 20_000;
    /** Below the smallest accept backlog in play (Netty's 128): a full accept queue drops SYNs, costing 1 s retries. */
    private static final int BATCH = 100;

    private static final NunDbProtocol NUNDB = new NunDbProtocol("", "", "", "");
    private static final RespProtocol RESP = new RespProtocol();

    private final Kind kind;
    private final String host;
    private final int port;
    private final List<String> commands;
    private final int bufferSize;

    /**
     * @param commands sent once set up (after the greeting or upgrade); each must be answered
     *     without error (one reply, or one frame over WebSocket, per command)
     */
    ManyConnections(Kind kind, String host, int port, List<String> commands, int bufferSize) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.commands = List.copyOf(commands);
        this.bufferSize = bufferSize;
    }

    /** Opens {@code n} connections, each set up; blocking channels. Closes what it opened if one fails. */
    List<Conn> open(int n) throws IOException {
        checkOwnLimit(n);
        List<Conn> all = new ArrayList<>(n);
        byte[] setup = setupBytes();
        try {
            for (int start = 0; start < n; start += BATCH) {
                int end = Math.min(n, start + BATCH);
                List<Conn> batch = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    SocketChannel channel = SocketChannel.open();
                    Conn c = new Conn(channel, bufferSize);
                    all.add(c);
                    batch.add(c);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if (i >= PER_SOURCE_ADDRESS) {
                        // Only past what one source address holds: a bind() before connect() searches the
                        // port range for a port in no TIME_WAIT (each earlier run leaves thousands), a
                        // connect() alone picks one for the 4-tuple at once.
                        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                        channel.bind(new InetSocketAddress(sourceAddress(i), 0));
                    }
                    channel.connect(new InetSocketAddress(host, port));
                    if (kind == Kind.NUNDB_WS) {
                        write(channel, WsFrames.upgradeRequest(host, port));
                    } else if (kind == Kind.RESP) {
                        write(channel, setup);
                    }
                }
                for (Conn c : batch) {
                    awaitSetup(c, setup);
                }
            }
            return all;
        } catch (IOException | RuntimeException e) {
            closeAll(all);
            throw new IOException(
                    (refusedByServer(e) ? "the server refused" : "the load generator failed at") + " connection "
                            + all.size() + " of " + n + ": " + e,
                    e);
        }
    }

    /**
     * A refusal by the server (closed, reset, {@code error too many connections}, an upgrade
     * answered 503) rather than a limit of the generator itself (its own open-file limit, ports).
     */
    static boolean refusedByServer(Exception e) {
        String text = String.valueOf(e.getMessage());
        return e instanceof EOFException
                || text.contains("too many connections")
                || text.contains("upgrade refused")
                || text.contains("Connection reset")
                || text.contains("Connection refused");
    }

    /**
     * Fails at once, with the numbers, when this process may not open {@code n} sockets (its own
     * open-file limit, {@code ulimit -n}), so a short run is never mistaken for a server refusal.
     */
    static void checkOwnLimit(int n) throws IOException {
        long limit = ProcInfo.maxOpenFiles(ProcessHandle.current().pid());
        int spare = 200; // the JVM's own jars, pipes and selectors
        if (limit >= 0 && limit < (long) n + spare) {
            throw new IOException(String.format(
                    java.util.Locale.ROOT,
                    "the load generator may open %,d files (ulimit -n) and needs %,d for %,d connections; not run",
                    limit,
                    n + spare,
                    n));
        }
    }

    /** 127.0.0.1 for the first {@link #PER_SOURCE_ADDRESS} connections (the kernel's choice), 127.0.0.2 for the next, … */
    static String sourceAddress(int index) {
        int x = 1 + index / PER_SOURCE_ADDRESS;
        if (x > 254) {
            throw new IllegalArgumentException("too many connections for 127.0.0.x source addresses: " + index);
        }
        return "127.0.0." + x;
    }

    private byte[] setupBytes() {
        if (commands.isEmpty()) {
            return new byte[0];
        }
        ByteBuffer out = ByteBuffer.allocate(4096);
        switch (kind) {
            case NUNDB_TCP -> {
                for (String command : commands) {
                    Ascii.put(out, command);
                    out.put((byte) '\n');
                }
            }
            case NUNDB_WS -> WsFrames.putText(out, Ascii.bytes(String.join(";", commands)), 0x5A17C0DE);
            case RESP -> {
                for (String command : commands) {
                    RESP.encodeCommand(out, command.split(" "));
                }
            }
        }
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    private void awaitSetup(Conn c, byte[] setup) throws IOException {
        switch (kind) {
            case NUNDB_TCP -> {
                awaitReplies(c, NUNDB, 1); // the greeting
                write(c.channel, setup);
                awaitReplies(c, NUNDB, commands.size());
            }
            case RESP -> awaitReplies(c, RESP, commands.size());
            case NUNDB_WS -> {
                int n;
                while ((n = WsFrames.upgradeResponseLength(c.in)) == -1) {
                    c.fill();
                }
                if (n == -2) {
                    throw new IOException("WebSocket upgrade refused: "
                            + Ascii.text(c.in, c.in.position(), c.in.remaining())
                                    .strip());
                }
                c.in.position(c.in.position() + n);
                write(c.channel, setup);
                for (int i = 0; i < commands.size(); i++) {
                    int f;
                    while ((f = WsFrames.frameLength(c.in)) < 0) {
                        c.fill();
                    }
                    int start = c.in.position();
                    int header = WsFrames.headerLength(c.in, start);
                    String payload = Ascii.text(c.in, start + header, f - header);
                    if (payload.startsWith("error") || WsFrames.opcode(c.in, start) == WsFrames.OP_CLOSE) {
                        throw new IOException("'" + commands.get(i) + "' over WebSocket: " + payload.strip());
                    }
                    c.in.position(start + f);
                }
            }
        }
    }

    private static void awaitReplies(Conn c, Protocol protocol, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            int n;
            while ((n = protocol.replyLength(c.in)) < 0) {
                c.fill();
            }
            if (protocol.isError(c.in, c.in.position(), n)) {
                throw new IOException(
                        "setup failed: " + Ascii.text(c.in, c.in.position(), n).strip());
            }
            c.in.position(c.in.position() + n);
        }
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    static void closeAll(List<Conn> connections) {
        for (Conn c : connections) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
    }
}
