package io.nundb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Write-to-notification latency for one watcher: a writer connection sets one key, a watcher
 * connection subscribed to it timestamps each change message on arrival. Latency = arrival
 * time minus the writer's clock just before the {@code set} went out (same JVM clock).
 *
 * <p>Paced mode sends on a fixed schedule ({@code rate} writes/s), whether or not earlier
 * notifications have arrived. Back-to-back sends the next write as soon as the previous write
 * is acknowledged and its notification has arrived: one change in flight, no pause, so the
 * figure is the bare write-to-watcher path and does not depend on how fast a server acks.
 */
final class LatencyRun {

    /** Send times by write index, for protocols whose notification has no payload (Redis). */
    private static final int RING = 1 << 20;

    record Result(
            LatencyRecorder latencies, long measuredWrites, long received, long missing, double writesPerSecond) {}

    private final Target target;
    private final Target watchTarget;
    private final String key;
    private final byte[] keyBytes;

    LatencyRun(Target target, String key) {
        this(target, target, key);
    }

    /** Writes go to {@code target}, the watcher connects to {@code watchTarget} (another cluster node). */
    LatencyRun(Target target, Target watchTarget, String key) {
        this.target = target;
        this.watchTarget = watchTarget;
        this.key = key;
        this.keyBytes = Ascii.bytes(key);
    }

    /** {@code rate} writes per second, or 0 for back-to-back. */
    Result run(int rate, Duration warmup, Duration duration) throws IOException, InterruptedException {
        Protocol protocol = target.protocol();
        try (Connection watcher = Connection.open(watchTarget);
                Connection writer = Connection.open(target)) {
            protocol.open(watcher);
            protocol.watch(watcher, key);
            protocol.open(writer);

            long start = System.nanoTime();
            long measureStart = start + warmup.toNanos();
            long end = measureStart + duration.toNanos();
            Thread waiter = rate > 0 ? null : Thread.currentThread();
            Watcher watch = new Watcher(watcher, measureStart, waiter);
            Thread watcherThread = new Thread(watch, "bench-watcher");
            watcherThread.setDaemon(true);
            watcherThread.start();
            // Acks are read on their own thread so a slow ack never delays the paced schedule.
            AckReader acks = new AckReader(writer, waiter);
            Thread ackThread = new Thread(acks, "bench-acks");
            ackThread.setDaemon(true);
            ackThread.start();

            long interval = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
            long sent = 0;
            long measured = 0;
            long slot = 0;
            while (true) {
                if (rate > 0) {
                    // A writer that stalled skips the slots it missed instead of bursting to catch up,
                    // so the rate never exceeds the one asked for.
                    slot = Math.max(slot, (System.nanoTime() - start) / interval);
                    long due = start + slot++ * interval;
                    if (due >= end) {
                        break;
                    }
                    parkUntil(due);
                } else {
                    awaitBoth(watch, acks, sent);
                    if (System.nanoTime() >= end) {
                        break;
                    }
                }
                if (sent - watch.received >= RING) {
                    throw new IOException("watcher fell " + RING + " notifications behind; stopping");
                }
                long sentAt = System.nanoTime();
                watch.sendTimes.set((int) (sent & (RING - 1)), sentAt);
                ByteBuffer out = writer.out();
                protocol.encodeSet(out, keyBytes, Ascii.bytes(Long.toString(sentAt)));
                writer.flush();
                sent++;
                if (sentAt >= measureStart) {
                    measured++;
                }
            }
            double seconds = (System.nanoTime() - measureStart) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((watch.received < sent && watcherThread.isAlive() || acks.acked < sent && ackThread.isAlive())
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            watch.stopping = true;
            acks.stopping = true;
            watcher.close(); // unblocks the readers
            writer.close();
            watcherThread.join(TimeUnit.SECONDS.toMillis(5));
            ackThread.join(TimeUnit.SECONDS.toMillis(5));
            if (watch.failure != null) {
                throw new IOException("watcher failed", watch.failure);
            }
            if (acks.failure != null) {
                throw new IOException("writer failed", acks.failure);
            }
            if (acks.acked < sent) {
                throw new IOException((sent - acks.acked) + " writes not acknowledged within 10 s");
            }
            long received = watch.received;
            return new Result(watch.latencies, measured, received, sent - received, measured / seconds);
        }
    }

    /** Back-to-back: wait (parked; the readers unpark us) until every sent write is acked and notified. */
    private static void awaitBoth(Watcher watch, AckReader acks, long sent) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (watch.received < sent || acks.acked < sent) {
            if (watch.failure != null || acks.failure != null) {
                throw new IOException("reader failed", watch.failure != null ? watch.failure : acks.failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("write " + sent + " still " + (acks.acked < sent ? "unacknowledged" : "")
                        + (acks.acked < sent && watch.received < sent ? " and " : "")
                        + (watch.received < sent ? "not notified" : "") + " after 10 s");
            }
            LockSupport.parkNanos(watch, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Reads the writer connection's replies on their own platform thread. */
    private static final class AckReader implements Runnable {

        private final Connection connection;
        private final Thread waiter;
        volatile long acked;
        volatile boolean stopping;
        volatile Throwable failure;

        AckReader(Connection connection, Thread waiter) {
            this.connection = connection;
            this.waiter = waiter;
        }

        @Override
        public void run() {
            Protocol protocol = connection.protocol();
            try {
                while (true) {
                    int n = connection.readReply();
                    ByteBuffer in = connection.in();
                    if (protocol.isError(in, in.position(), n)) {
                        throw new IOException("set failed: "
                                + Ascii.text(in, in.position(), n).strip());
                    }
                    connection.consume(n);
                    acked++;
                    if (waiter != null) {
                        LockSupport.unpark(waiter);
                    }
                }
            } catch (IOException e) {
                if (!stopping) {
                    failure = e;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private static void parkUntil(long due) {
        long remaining;
        while ((remaining = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    /** Reads the watcher connection on its own platform thread. */
    private final class Watcher implements Runnable {

        final AtomicLongArray sendTimes = new AtomicLongArray(RING);
        final LatencyRecorder latencies = new LatencyRecorder();
        private final Connection connection;
        private final long measureStart;
        volatile long received;
        volatile boolean stopping;
        volatile Throwable failure;

        /** Unparked after each notification; null when nobody waits (paced mode). */
        private final Thread writer;

        Watcher(Connection connection, long measureStart, Thread writer) {
            this.connection = connection;
            this.measureStart = measureStart;
            this.writer = writer;
        }

        @Override
        public void run() {
            Protocol protocol = connection.protocol();
            try {
                while (true) {
                    int n = connection.readMessage();
                    long arrivedAt = System.nanoTime();
                    ByteBuffer in = connection.in();
                    long stamp = protocol.changeStamp(in, in.position(), n, keyBytes);
                    connection.consume(n);
                    if (stamp == Protocol.NOT_A_CHANGE) {
                        continue;
                    }
                    long index = received;
                    long sentAt = stamp == Protocol.NO_STAMP ? sendTimes.get((int) (index & (RING - 1))) : stamp;
                    if (sentAt >= measureStart) {
                        latencies.record(arrivedAt - sentAt);
                    }
                    received = index + 1;
                    if (writer != null) {
                        LockSupport.unpark(writer);
                    }
                }
            } catch (IOException e) {
                if (!stopping) {
                    failure = e;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }
}
