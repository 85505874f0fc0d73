package io.nundb.container;

import io.nundb.testing.LineClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A client of the compose cluster that writes fresh keys ({@code <name>-<n>}) in a loop through one
 * node and logs how each write was answered: acknowledged ({@code ok}), unknown (a reply saying the
 * write may or may not have been applied, or a connection lost before the answer) or refused (any
 * other error). When its node is killed it carries on through a running one, as a client with the
 * three addresses would. Threads: its own writer thread; the log may be read from any thread.
 */
final class LoggedWriter implements AutoCloseable {

    enum Outcome {
        ACKED,
        UNKNOWN,
        REFUSED
    }

    /** One write; {@code sentNanos}/{@code answeredNanos} are {@link System#nanoTime()}. */
    record Write(String key, String value, String node, long sentNanos, long answeredNanos, Outcome outcome) {}

    private final ComposeCluster cluster;
    private final String name;
    private final String node;
    private final String db;
    private final String token;
    private final List<Write> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger acked = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;

    LoggedWriter(ComposeCluster cluster, String name, String node, String db, String token) {
        this.cluster = cluster;
        this.name = name;
        this.node = node;
        this.db = db;
        this.token = token;
        this.thread = new Thread(this::run, "logged-writer-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    int acked() {
        return acked.get();
    }

    List<Write> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("writer " + name + " did not stop");
        }
    }

    private void run() {
        LineClient client = null;
        String on = null;
        int n = 0;
        while (!stopping) {
            if (client == null) {
                List<String> running = cluster.running();
                on = running.contains(node) ? node : running.isEmpty() ? null : running.get(n % running.size());
                client = on == null ? null : session(on);
                if (client == null) {
                    LockSupport.parkNanos(200_000_000L); // nobody answers for the moment
                    continue;
                }
            }
            String key = name + "-" + n;
            String value = "v" + n++;
            long sent = System.nanoTime();
            Outcome outcome;
            try {
                List<String> reply = client.call("set " + key + " " + value);
                String last = reply.get(reply.size() - 1);
                outcome = last.equals("ok ")
                        ? Outcome.ACKED
                        : last.contains("may or may not have been applied") ? Outcome.UNKNOWN : Outcome.REFUSED;
            } catch (IOException | AssertionError e) {
                outcome = Outcome.UNKNOWN;
                close(client);
                client = null;
            }
            log.add(new Write(key, value, on, sent, System.nanoTime(), outcome));
            if (outcome == Outcome.ACKED) {
                acked.incrementAndGet();
            } else if (client != null && !cluster.running().contains(on)) {
                close(client);
                client = null;
            }
        }
        if (client != null) {
            close(client);
        }
    }

    private LineClient session(String service) {
        LineClient c = null;
        try {
            c = cluster.tcp(service);
            if (c.call("use-db " + db + " " + token).contains("ok ")) {
                return c;
            }
        } catch (IOException | AssertionError | RuntimeException e) {
            // not reachable now
        }
        if (c != null) {
            close(c);
        }
        return null;
    }

    private static void close(LineClient c) {
        try {
            c.close();
        } catch (IOException e) {
            // broken is as good as closed
        }
    }
}
