package io.nundb.config;

/**
 * Turns {@code nundb.http-addr} ({@code NUN_HTTP_ADDR}, NunDB's {@code host:port} form) into the
 * WebFlux server's {@code server.address} and {@code server.port}, unless those are set explicitly.
 */
public class HttpAddressPostProcessor extends AddressPostProcessor {

    public HttpAddressPostProcessor() {
        super("nundb.http-addr", "server.address", "server.port");
    }
}
