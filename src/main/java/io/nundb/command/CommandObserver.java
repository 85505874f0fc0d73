package io.nundb.command;

import io.nundb.protocol.Response;

/** Sees every executed command (metrics); must be cheap and non-blocking. */
public interface CommandObserver {

    void observe(String command, Response.Outcome outcome, long nanos);

    CommandObserver NONE = (command, outcome, nanos) -> {};
}
