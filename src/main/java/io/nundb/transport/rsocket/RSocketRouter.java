package io.nundb.transport.rsocket;

import io.nundb.transport.BadInputLog;
import io.rsocket.frame.FrameType;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.rsocket.annotation.support.RSocketFrameTypeMessageCondition;
import org.springframework.messaging.rsocket.annotation.support.RSocketMessageHandler;
import org.springframework.util.RouteMatcher;

/**
 * Spring's RSocket message handler, with a plain answer for a request whose route is missing,
 * unknown, or of another interaction: an RSocket error frame naming the routes, and one
 * rate-limited WARN line ({@link BadInputLog}). Runs on the connection's event loop.
 */
public class RSocketRouter extends RSocketMessageHandler {

    static final String ROUTES = "the routes are 'command' (request-response), 'messages' and 'watch' (request-stream)";

    @Override
    protected RouteMatcher.Route getDestination(Message<?> message) {
        RouteMatcher.Route route = super.getDestination(message);
        if (route == null && isRequest(message)) {
            // without a route Spring answers nothing, and a request-response would never end
            handleNoMatch(null, message);
        }
        return route;
    }

    @Override
    protected void handleNoMatch(RouteMatcher.Route destination, Message<?> message) {
        if (!isRequest(message)) {
            super.handleNoMatch(destination, message);
            return;
        }
        String route = destination == null ? "" : destination.value();
        String problem;
        if (route.isEmpty()) {
            problem = "no route: send the route in the metadata (message/x.rsocket.routing.v0)";
        } else if (getDestinationLookup().containsKey(route)) {
            problem = "route '" + route + "' does not take a " + interaction(message);
        } else {
            problem = "unknown route '" + route + "'";
        }
        BadInputLog.shared()
                .warn("rsocket route refused", problem.length() > 100 ? problem.substring(0, 100) + "…" : problem);
        throw new MessageDeliveryException(problem + "; " + ROUTES);
    }

    private static boolean isRequest(Message<?> message) {
        FrameType type = RSocketFrameTypeMessageCondition.getFrameType(message);
        return type != null && type.isRequestType();
    }

    private static String interaction(Message<?> message) {
        return switch (RSocketFrameTypeMessageCondition.getFrameType(message)) {
            case REQUEST_RESPONSE -> "request-response";
            case REQUEST_STREAM -> "request-stream";
            case REQUEST_CHANNEL -> "request-channel";
            case REQUEST_FNF -> "fire-and-forget";
            default -> "request of this kind";
        };
    }
}
