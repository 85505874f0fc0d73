package io.nundb.transport.rsocket;

import io.nundb.transport.BadInputLog;
import io.rsocket.SocketAcceptor;
import io.rsocket.exceptions.RejectedSetupException;
import io.rsocket.plugins.SocketAcceptorInterceptor;
import reactor.core.publisher.Mono;

/**
 * Refuses a SETUP whose MIME types the door does not speak ({@link RSocketMimeTypes}) before Spring
 * sees it: the client gets a REJECTED_SETUP error frame naming the accepted types, the log one
 * rate-limited WARN line ({@link BadInputLog}). Runs on the connection's event loop; no I/O.
 */
public final class RSocketSetupCheck implements SocketAcceptorInterceptor {

    @Override
    public SocketAcceptor apply(SocketAcceptor next) {
        return (setup, sendingSocket) -> {
            String refused = RSocketMimeTypes.refusedData(setup.dataMimeType());
            if (refused == null) {
                refused = RSocketMimeTypes.refusedMetadata(setup.metadataMimeType());
            }
            if (refused != null) {
                BadInputLog.shared().warn("rsocket setup refused", refused);
                return Mono.error(new RejectedSetupException(refused));
            }
            return next.accept(setup, sendingSocket);
        };
    }
}
