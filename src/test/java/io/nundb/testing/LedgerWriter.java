package io.nundb.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One client of a cluster (of processes or containers) that writes in a loop over TCP and keeps a ledger of what each
 * write was answered: acknowledged ({@code ok}), unknown (an error saying the write may or may not
 * have been applied, or a connection that broke before the answer) or refused (any other error).
 * It owns its keys: either a fresh key per write ({@code <name>-<n>}) or one key ({@code <name>})
 * written with the values 0, 1, 2, … in order. When its node goes away it carries on through
 * another running node.
 *
 * <p>Threads: its own writer thread; the ledger may be read from any thread.
 */
public final class LedgerWriter implements AutoCloseable {

    /** The nodes a writer may reach: numbered 0…size-1, each with a name for the ledger. */
    public interface Nodes {
        int size();

        String name(int node);

        /** Not killed (a node cut off from its peers still runs). */
        boolean running(int node);

        /** A TCP session on the node, its greeting read. */
        LineClient tcp(int node) throws IOException;
    }

    public enum Outcome {
        ACKED,
        UNKNOWN,
        REFUSED
    }

    /** One write: through which node, when it was sent and answered ({@link System#nanoTime()}), and how. */
    public record Write(
            String key, String value, String node, long sentNanos, long answeredNanos, Outcome outcome, String reply) {}

    private final Nodes cluster;
    private final String name;
    private final int preferredNode;
    private final String db;
    private final String token;
    private final boolean singleKey;
    private final List<Write> ledger = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger acked = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private LedgerWriter(Nodes cluster, String name, int preferredNode, String db, String token, boolean singleKey) {
        this.cluster = cluster;
        this.name = name;
        this.preferredNode = preferredNode;
        this.db = db;
        this.token = token;
        this.singleKey = singleKey;
        this.thread = new Thread(this::run, "ledger-writer-" + name);
        thread.setDaemon(true);
    }

    /** A writer of fresh keys {@code <name>-<n>} through node {@code node}, started. */
    public static LedgerWriter freshKeys(Nodes cluster, String name, int node, String db, String token) {
        LedgerWriter w = new LedgerWriter(cluster, name, node, db, token, false);
        w.thread.start();
        return w;
    }

    /** A writer of the one key {@code <name>} (values 0, 1, 2, …) through node {@code node}, started. */
    public static LedgerWriter oneKey(Nodes cluster, String name, int node, String db, String token) {
        LedgerWriter w = new LedgerWriter(cluster, name, node, db, token, true);
        w.thread.start();
        return w;
    }

    public String name() {
        return name;
    }

    public boolean singleKey() {
        return singleKey;
    }

    public int acked() {
        return acked.get();
    }

    public List<Write> ledger() {
        synchronized (ledger) {
            return List.copyOf(ledger);
        }
    }

    /** Final outcome per key (for a one-key writer, of its last write). */
    public Map<String, Write> byKey() {
        Map<String, Write> out = new LinkedHashMap<>();
        for (Write w : ledger()) {
            out.put(w.key(), w);
        }
        return out;
    }

    /** Stops after the write in flight and waits for the thread; rethrows what broke the loop, if anything. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("writer " + name + " did not stop");
        }
        if (failure != null) {
            throw new IllegalStateException("writer " + name + " failed", failure);
        }
    }

    private void run() {
        LineClient client = null;
        String on = null;
        try {
            for (int n = 0; !stopping; n++) {
                if (client == null) {
                    Session session = connect();
                    client = session == null ? null : session.client();
                    on = session == null ? null : session.node();
                    if (client == null) {
                        // no node answers for the moment: back off a little, as a real client would
                        LockSupport.parkNanos(50_000_000L);
                        n--;
                        continue;
                    }
                }
                String key = singleKey ? name : name + "-" + n;
                String value = singleKey ? Integer.toString(n) : "v" + n;
                long sent = System.nanoTime();
                Outcome outcome;
                String reply;
                try {
                    List<String> lines = client.call("set " + key + " " + value);
                    reply = lines.get(lines.size() - 1);
                    outcome = classify(reply);
                } catch (IOException | AssertionError e) {
                    // the connection broke before the answer: the write may or may not have happened
                    reply = "connection lost: " + e;
                    outcome = Outcome.UNKNOWN;
                    close(client);
                    client = null;
                }
                ledger.add(new Write(key, value, on, sent, System.nanoTime(), outcome, reply));
                if (outcome == Outcome.ACKED) {
                    acked.incrementAndGet();
                } else if (client != null && !stillRunning(on)) {
                    // the node was killed after answering: carry on through a running one
                    close(client);
                    client = null;
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (client != null) {
                close(client);
            }
        }
    }

    private boolean stillRunning(String node) {
        for (int i = 0; i < cluster.size(); i++) {
            if (cluster.name(i).equals(node)) {
                return cluster.running(i);
            }
        }
        return false;
    }

    private record Session(LineClient client, String node) {}

    static Outcome classify(String finalLine) {
        if (finalLine.equals("ok ")) {
            return Outcome.ACKED;
        }
        return finalLine.contains("may or may not have been applied") ? Outcome.UNKNOWN : Outcome.REFUSED;
    }

    /** A session on the preferred node if it runs, else on the next running one; null if none answers. */
    private Session connect() {
        for (int k = 0; k < cluster.size(); k++) {
            int node = (preferredNode + k) % cluster.size();
            if (!cluster.running(node)) {
                continue;
            }
            LineClient c = null;
            try {
                c = cluster.tcp(node);
                List<String> reply = c.call("use-db " + db + " " + token);
                if (reply.contains("ok ")) {
                    return new Session(c, cluster.name(node));
                }
                close(c);
            } catch (IOException | AssertionError | RuntimeException e) {
                if (c != null) {
                    close(c);
                }
            }
        }
        return null;
    }

    private static void close(LineClient c) {
        try {
            c.close();
        } catch (IOException e) {
            // a broken connection is as good as closed
        }
    }
}
