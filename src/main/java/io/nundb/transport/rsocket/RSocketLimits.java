package io.nundb.transport.rsocket;

import io.nundb.watch.OutboxLimits;

/** The per-connection limits the RSocket door needs from the configuration. */
public record RSocketLimits(OutboxLimits outbox) {}
