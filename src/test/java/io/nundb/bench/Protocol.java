package io.nundb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One wire protocol as the load generator sees it. The load code is the same for every server;
 * only this codec differs, so both servers get byte-for-byte comparable work.
 *
 * <p>Parsing methods look at {@code in} from its position to its limit and never move it: they
 * return the length of one complete unit, or {@code -1} when more bytes are needed.
 */
interface Protocol {

    /** Returned by {@link #changeStamp} for a message that is not a change of the watched key. */
    long NOT_A_CHANGE = Long.MIN_VALUE;

    /** Returned by {@link #changeStamp} when the message carries no payload (Redis keyspace events). */
    long NO_STAMP = Long.MIN_VALUE + 1;

    String name();

    /** Whether the server sends a greeting reply right after accepting a connection. */
    boolean greets();

    void encodeSet(ByteBuffer out, byte[] key, byte[] value);

    void encodeGet(ByteBuffer out, byte[] key);

    /** Encodes an arbitrary command given as words (used for setup, not in the measured loops). */
    void encodeCommand(ByteBuffer out, String... words);

    /** Length of the complete reply to one command, or -1 if incomplete. */
    int replyLength(ByteBuffer in);

    /** Whether the reply of {@code length} bytes at {@code start} is an error. */
    boolean isError(ByteBuffer in, int start, int length);

    /** Length of one message pushed to a watcher, or -1 if incomplete. */
    int messageLength(ByteBuffer in);

    /**
     * For a pushed message of {@code length} bytes at {@code start}: the send timestamp it
     * carries, {@link #NO_STAMP} if it is a change without payload, or {@link #NOT_A_CHANGE}.
     */
    long changeStamp(ByteBuffer in, int start, int length, byte[] key);

    /** Once per server, before any session: create the database or enable notifications. */
    void prepare(Connection admin) throws IOException;

    /** Per connection, before it sends data commands. */
    void open(Connection connection) throws IOException;

    /** Subscribes the connection to changes of {@code key}; the confirmation has been read on return. */
    void watch(Connection connection, String key) throws IOException;
}
