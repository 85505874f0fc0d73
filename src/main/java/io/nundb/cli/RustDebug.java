package io.nundb.cli;

/** Quotes a string the way Rust's {@code {:?}} does, so output matches NunDB's CLI byte for byte. */
final class RustDebug {

    private RustDebug() {}

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(c -> {
            if (c == '"') {
                b.append("\\\"");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == 0) {
                b.append("\\0");
            } else if (c < 0x20 || c == 0x7f) {
                b.append("\\u{").append(Integer.toHexString(c)).append('}');
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }
}
