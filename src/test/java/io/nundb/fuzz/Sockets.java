package io.nundb.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The sockets the fuzzers open: each one is drained on a reader thread (or deliberately left
 * unread), and all of them are closed when a phase ends, which also frees a fuzzer blocked in a
 * write to a server that stopped reading.
 */
final class Sockets implements AutoCloseable {

    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-drain");
        t.setDaemon(true);
        return t;
    });

    /** A connected socket, drained in the background unless {@code read} is false. */
    Socket open(int port, boolean read) throws IOException {
        Socket s = new Socket();
        open.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(60_000);
        if (read) {
            drainInBackground(s);
        } else {
            s.setReceiveBufferSize(4096);
        }
        return s;
    }

    /** Reads and drops everything the server sends on {@code s} until it closes. */
    void drainInBackground(Socket s) {
        readers.execute(() -> drain(s));
    }

    private void drain(Socket s) {
        byte[] buf = new byte[16384];
        try (InputStream in = s.getInputStream()) {
            while (in.read(buf) >= 0) {
                // replies are not checked here: the bystander and the oracle check answers
            }
        } catch (IOException closed) {
            // the server or the fuzzer closed it: the fuzzer opens another
        } finally {
            close(s);
        }
    }

    /** Closes with a reset (SO_LINGER 0) or normally. */
    void close(Socket s, boolean reset) {
        try {
            if (reset) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // already closed
        }
        close(s);
    }

    void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Closes every socket still open (the end of a phase). */
    void closeAll() {
        open.forEach(this::close);
    }

    @Override
    public void close() {
        closeAll();
        readers.shutdownNow();
    }
}
