package io.nundb.config;

/**
 * Turns {@code nundb.management-addr} ({@code NUN_MANAGEMENT_ADDR}, empty by default) into
 * Actuator's {@code management.server.address} and {@code port}: set, health details, metrics and
 * Prometheus move to a port of their own (one that can stay on a private network), while the
 * probes stay on the HTTP port as {@code /livez} and {@code /readyz}.
 */
public class ManagementAddressPostProcessor extends AddressPostProcessor {

    public ManagementAddressPostProcessor() {
        super("nundb.management-addr", "management.server.address", "management.server.port");
    }
}
