package io.nundb.config;

/**
 * Turns {@code nundb.rsocket-addr} ({@code NUN_RSOCKET_ADDR}, default {@code 0.0.0.0:3015}) into
 * Spring's {@code spring.rsocket.server.address} and {@code port}, which start a standalone RSocket
 * server for clients; explicit {@code spring.rsocket.server.*} settings win.
 */
public class RSocketAddressPostProcessor extends AddressPostProcessor {

    public RSocketAddressPostProcessor() {
        super("nundb.rsocket-addr", "spring.rsocket.server.address", "spring.rsocket.server.port");
    }
}
