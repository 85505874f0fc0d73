package io.nundb.watch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node-wide allowance for outbound text held in memory: messages queued in outboxes and
 * replies being assembled (HTTP, RSocket). Each holder reserves before it keeps a message and
 * releases when the message leaves; a refused reservation means that holder must refuse or cut
 * off instead of growing the heap. Any thread; lock-free.
 *
 * <p>Sizes are counted in chars ({@link #weight(String)}), which is the heap size of an ASCII
 * string and half that of a string with characters beyond Latin-1.
 */
public final class ByteBudget {

    /** No node-wide limit (tests and tools that run without the server's settings). */
    public static final ByteBudget UNLIMITED = new ByteBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public ByteBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("byte budget must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** The size a message is counted for. */
    public static long weight(String message) {
        return message.length();
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when that would pass the limit. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            long next = now + bytes;
            if (next > limit || next < 0) {
                return false;
            }
            if (used.compareAndSet(now, next)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #tryReserve} took. */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
