package io.nundb.watch;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The messages one change sends to every watcher of its key ({@code changed} and {@code
 * changed-version}, or {@code removed}), built once per change and shared by all its watchers'
 * outboxes. Each transport encodes it once ({@link #encoded}) and writes the same bytes to every
 * connection, instead of building and encoding the text again per watcher. Immutable apart from
 * that cache; any thread.
 */
public final class Notification {

    private final String[] messages;
    private final long weight;
    /** Pairs of (encoder, its result); copied on write, so readers need no lock. */
    private volatile Object[] encodings = new Object[0];

    private Notification(String[] messages) {
        this.messages = messages;
        long w = 0;
        for (String m : messages) {
            w += ByteBudget.weight(m);
        }
        this.weight = w;
    }

    /** One or more messages, delivered in this order and counted one by one in an outbox's limits. */
    public static Notification of(String... messages) {
        if (messages.length == 0) {
            throw new IllegalArgumentException("a notification needs a message");
        }
        return new Notification(messages.clone());
    }

    /** How many messages (each counts in an outbox's message limit). */
    public int count() {
        return messages.length;
    }

    public String message(int i) {
        return messages[i];
    }

    /** The chars of all messages ({@link ByteBudget#weight}). */
    public long weight() {
        return weight;
    }

    /** The messages one after another (each ends in its own line feed). */
    public String text() {
        return messages.length == 1 ? messages[0] : String.join("", messages);
    }

    /**
     * What {@code encoder} makes of this notification, computed on the first call for that encoder
     * (a constant of the transport) and shared by every later call. Two threads asking at once may
     * both encode; the results are equal, so either is kept.
     */
    @SuppressWarnings("unchecked")
    public <T> T encoded(Function<Notification, T> encoder) {
        Object[] now = encodings;
        for (int i = 0; i < now.length; i += 2) {
            if (now[i] == encoder) {
                return (T) now[i + 1];
            }
        }
        T value = encoder.apply(this);
        synchronized (this) {
            Object[] current = encodings;
            for (int i = 0; i < current.length; i += 2) {
                if (current[i] == encoder) {
                    return (T) current[i + 1];
                }
            }
            Object[] next = Arrays.copyOf(current, current.length + 2);
            next[current.length] = encoder;
            next[current.length + 1] = value;
            encodings = next;
        }
        return value;
    }
}
