package io.nundb.config;

/** A {@code host:port} bind address as NunDB writes them ({@code 0.0.0.0:3014}, {@code :3014}, {@code 3014}). */
public record HostPort(String host, int port) {

    public static HostPort parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        String host = colon < 0 ? "0.0.0.0" : t.substring(0, colon);
        String port = colon < 0 ? t : t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host.isEmpty() ? "0.0.0.0" : host, p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a host:port address: '" + text + "'");
        }
    }
}
