package io.nundb.transport.rsocket;

import java.util.List;

/**
 * The request of the {@code watch} route.
 *
 * @param keys exact keys, or prefixes written {@code prefix*}
 * @param current send each key's current value first
 * @param lastEventId the id of the last event received before a reconnect, to resume from
 * @param login login commands for this stream; defaults to the connection's setup login
 */
public record WatchRoute(List<String> keys, boolean current, String lastEventId, String login) {}
