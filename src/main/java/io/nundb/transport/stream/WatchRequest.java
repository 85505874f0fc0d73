package io.nundb.transport.stream;

import io.nundb.protocol.Command;
import java.util.List;

/**
 * What a client asks to watch.
 *
 * @param login commands that authenticate and select the database ({@code use-db …}, optionally
 *     {@code auth …} first), run on the stream's own session
 * @param keys exact keys, or prefixes written {@code prefix*}
 * @param current send each key's current value first
 * @param lastEventId the id of the last event the client saw (resume), or null
 */
public record WatchRequest(List<Command> login, List<String> keys, boolean current, String lastEventId) {

    public WatchRequest {
        login = List.copyOf(login);
        keys = List.copyOf(keys);
    }
}
