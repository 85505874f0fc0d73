package io.nundb.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A client's IP address as text, the key of failed-login throttling. */
public final class ClientAddress {

    private ClientAddress() {}

    /** The IP of {@code address}, or null when it is not an IP socket address. */
    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return null;
    }
}
