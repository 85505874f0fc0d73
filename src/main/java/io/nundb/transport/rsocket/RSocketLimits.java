package io.nundb.transport.rsocket;

/** The per-connection limits the RSocket door needs from the configuration. */
public record RSocketLimits(int outboxLimit) {}
