package io.nundb.transport;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Hooks;

/**
 * Reactor's hook for errors that arrive after their subscriber is gone ("onErrorDropped"). A
 * client that resets its connection while a request is being read produces one: by default it is
 * logged at ERROR with the exception each time, so a client could fill the log by resetting. A
 * dropped client disconnect is one WARN line per kind ({@link BadInputLog}); anything else is
 * still logged at ERROR. Installed once at start, JVM-wide; runs on whichever thread drops it.
 */
@Component
public class DroppedErrorLog {

    private static final Logger log = LoggerFactory.getLogger(DroppedErrorLog.class);

    public DroppedErrorLog() {
        Hooks.onErrorDropped(DroppedErrorLog::dropped);
    }

    static void dropped(Throwable e) {
        if (isClientGone(e)) {
            BadInputLog.shared()
                    .warn(
                            "connection lost after its request ended",
                            e.getClass().getSimpleName());
        } else {
            log.error("error after its subscriber was gone", e);
        }
    }

    /** A reset, broken pipe or closed channel: the client went away. */
    static boolean isClientGone(Throwable e) {
        return e instanceof IOException || DisconnectedClientHelper.isClientDisconnectedException(e);
    }
}
