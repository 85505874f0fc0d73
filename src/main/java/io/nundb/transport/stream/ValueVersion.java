package io.nundb.transport.stream;

/**
 * A {@code value-version <version> <value>} reply read back into its parts.
 *
 * @param value the value, or null when the key does not exist ({@code <Empty>})
 */
public record ValueVersion(int version, String value) {

    private static final String PREFIX = "value-version ";

    public static ValueVersion parse(String message) {
        if (!message.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a value-version reply: " + message);
        }
        String rest =
                message.substring(PREFIX.length(), message.endsWith("\n") ? message.length() - 1 : message.length());
        int space = rest.indexOf(' ');
        int version = Integer.parseInt(rest.substring(0, space));
        String value = rest.substring(space + 1);
        return new ValueVersion(version, "<Empty>".equals(value) ? null : value);
    }
}
