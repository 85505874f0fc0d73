package io.nundb.cluster.rpc;

/** A peer's {@code host:port} (IPv6 hosts in brackets), as peers name each other. */
record PeerAddress(String host, int port) {

    static PeerAddress parse(String address) {
        if (address == null) {
            throw new IllegalArgumentException("error missing cluster address");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("error cluster address must be host:port, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new PeerAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("error bad port in cluster address '" + address + "'");
        }
    }
}
