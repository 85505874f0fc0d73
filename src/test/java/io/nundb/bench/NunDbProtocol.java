package io.nundb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/** NunDB's text protocol: one command per LF line; data lines, then a final {@code ok} or {@code error}. */
final class NunDbProtocol implements Protocol {

    private static final byte[] SET = Ascii.bytes("set ");
    private static final byte[] GET = Ascii.bytes("get ");
    private static final byte[] OK = Ascii.bytes("ok \n");
    private static final byte[] ERROR = Ascii.bytes("error ");
    private static final byte[] CHANGED = Ascii.bytes("changed ");

    private final String user;
    private final String password;
    private final String db;
    private final String token;

    NunDbProtocol(String user, String password, String db, String token) {
        this.user = user;
        this.password = password;
        this.db = db;
        this.token = token;
    }

    @Override
    public String name() {
        return "NunDB text";
    }

    @Override
    public boolean greets() {
        return true;
    }

    @Override
    public void encodeSet(ByteBuffer out, byte[] key, byte[] value) {
        out.put(SET).put(key).put((byte) ' ').put(value).put((byte) '\n');
    }

    @Override
    public void encodeGet(ByteBuffer out, byte[] key) {
        out.put(GET).put(key).put((byte) '\n');
    }

    @Override
    public void encodeCommand(ByteBuffer out, String... words) {
        Ascii.put(out, String.join(" ", words));
        out.put((byte) '\n');
    }

    @Override
    public int replyLength(ByteBuffer in) {
        int start = in.position();
        int lineStart = start;
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                if (isTerminal(in, lineStart, i + 1 - lineStart)) {
                    return i + 1 - start;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    /**
     * {@code ok \n}, {@code error <msg> \n}, or the lone {@code " \n"} that ends an error whose
     * text already ended in LF ({@code error error no-db-selected\n \n}). Pushed lines such as
     * {@code error no-db-selected\n} lack the space before the LF, so they are not terminal.
     */
    private static boolean isTerminal(ByteBuffer in, int lineStart, int length) {
        if (length == OK.length && Ascii.startsWith(in, lineStart, length, OK)) {
            return true;
        }
        boolean spaceBeforeLf = length >= 2 && in.get(lineStart + length - 2) == ' ';
        return spaceBeforeLf && (length == 2 || Ascii.startsWith(in, lineStart, length, ERROR));
    }

    @Override
    public boolean isError(ByteBuffer in, int start, int length) {
        boolean lastLineIsOk = Ascii.endsWith(in, start, length, OK)
                && (length == OK.length || in.get(start + length - OK.length - 1) == '\n');
        return !lastLineIsOk;
    }

    @Override
    public int messageLength(ByteBuffer in) {
        for (int i = in.position(); i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                return i + 1 - in.position();
            }
        }
        return -1;
    }

    @Override
    public long changeStamp(ByteBuffer in, int start, int length, byte[] key) {
        // "changed <key> <stamp>\n"; "changed-version …" has '-' where the space is, so it never matches.
        int stampStart = start + CHANGED.length + key.length + 1;
        if (!Ascii.startsWith(in, start, length, CHANGED)
                || stampStart >= start + length
                || in.get(stampStart - 1) != ' ') {
            return NOT_A_CHANGE;
        }
        for (int i = 0; i < key.length; i++) {
            if (in.get(start + CHANGED.length + i) != key[i]) {
                return NOT_A_CHANGE;
            }
        }
        return Ascii.parseDecimal(in, stampStart, start + length - 1);
    }

    @Override
    public void prepare(Connection admin) throws IOException {
        String auth = admin.call("auth", user, password);
        if (!auth.startsWith("valid auth")) {
            throw new IOException("admin login refused: " + auth.strip());
        }
        String created = admin.callAllowingError("create-db", db, token);
        if (!created.startsWith("create-db success") && !created.contains("database already exists")) {
            throw new IOException("create-db failed: " + created.strip());
        }
    }

    @Override
    public void open(Connection connection) throws IOException {
        connection.call("use-db", db, token);
    }

    @Override
    public void watch(Connection connection, String key) throws IOException {
        connection.call("watch", key);
    }
}
