package io.nundb.cluster;

/**
 * The primary's answer to a {@link ForwardRequest}: the reply text for the client and the index of
 * the last log entry the command produced (0 if none), which the secondary applies before it
 * answers, so that the client reads its own write on the node it talks to.
 */
public record ForwardReply(String reply, long index) {}
