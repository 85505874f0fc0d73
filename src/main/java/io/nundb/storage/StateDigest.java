package io.nundb.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * A digest of the data a node holds: every database with its token and strategy, and every live
 * key with its version and value, in sorted order ({@code $connections} and tombstones, which
 * differ between nodes by design, are left out). Two nodes with the same digest hold the same data.
 */
public final class StateDigest {

    private StateDigest() {}

    /** Hex SHA-256 of the sorted state. */
    public static String of(Databases databases) {
        TreeMap<String, Database> sorted = new TreeMap<>();
        for (Database db : databases.all()) {
            sorted.put(db.name(), db);
        }
        MessageDigest sha = sha256();
        for (Database db : sorted.values()) {
            update(sha, "db", db.name(), db.strategy().word());
            List<String> keys = new ArrayList<>(db.liveKeys());
            keys.sort(null);
            for (String key : keys) {
                if (Database.CONNECTIONS_KEY.equals(key)) {
                    continue;
                }
                VersionedValue v = db.get(key);
                if (v != null && !v.deleted()) {
                    update(sha, key, Integer.toString(v.version()), v.value());
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String a, String b, String c) {
        for (String s : new String[] {a, b, c}) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            sha.update((byte) (bytes.length >>> 24));
            sha.update((byte) (bytes.length >>> 16));
            sha.update((byte) (bytes.length >>> 8));
            sha.update((byte) bytes.length);
            sha.update(bytes);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
