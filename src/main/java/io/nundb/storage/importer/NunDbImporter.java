package io.nundb.storage.importer;

import io.nundb.security.SecretHash;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.LogEntry;
import io.nundb.storage.Strategy;
import io.nundb.storage.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the data directory of a NunDB server (reference 6.2: {@code <db>-nun.data.keys}, {@code
 * .values}, {@code .madadata}, little-endian) and writes its databases as the first snapshot of a
 * new data directory of ours.
 *
 * <p>NunDB keeps a database's token as its {@code $$token} key, so tokens, users and permissions
 * come along as ordinary keys. Keys whose on-disk version is -1 are deleted and skipped, as NunDB
 * skips them when it loads; {@code $admin} is not imported (its token is the admin password of the
 * new server).
 */
public final class NunDbImporter {

    private static final String USER_PREFIX = "$$user_";

    private static final Logger log = LoggerFactory.getLogger(NunDbImporter.class);

    static final String KEYS_SUFFIX = "-nun.data.keys";
    static final String VALUES_SUFFIX = "-nun.data.values";
    static final String META_SUFFIX = "-nun.madadata";

    private NunDbImporter() {}

    /**
     * What was imported.
     *
     * @param databases names of the imported databases
     * @param keys keys imported (tokens, users and permissions included)
     * @param deletedSkipped keys skipped because NunDB marked them deleted
     * @param snapshot the snapshot file written
     */
    public record ImportSummary(List<String> databases, long keys, long deletedSkipped, Path snapshot) {}

    /**
     * Imports the NunDB data directory {@code from} into {@code to}, which must not hold data of ours
     * yet (it is created if missing).
     */
    public static ImportSummary importDirectory(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IOException(from + " is not a directory");
        }
        for (String sub : List.of("oplog", "snapshots")) {
            Path p = to.resolve(sub);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    if (s.findAny().isPresent()) {
                        throw new IOException(to + " already holds data (" + p + "); import into an empty directory");
                    }
                }
            }
        }
        List<Path> keyFiles = new ArrayList<>();
        try (Stream<Path> s = Files.list(from)) {
            s.filter(p -> p.getFileName().toString().endsWith(KEYS_SUFFIX))
                    .sorted()
                    .forEach(keyFiles::add);
        }
        List<String> names = new ArrayList<>();
        long[] counts = new long[2];
        List<NunDatabase> loaded = new ArrayList<>();
        for (Path keys : keyFiles) {
            String file = keys.getFileName().toString();
            String name = file.substring(0, file.length() - KEYS_SUFFIX.length());
            if (Databases.ADMIN_DB.equals(name)) {
                continue;
            }
            NunDatabase db = read(from, name);
            loaded.add(db);
            names.add(name);
            counts[0] += db.entries.size();
            counts[1] += db.deleted;
        }
        SnapshotStore store = new SnapshotStore(to.resolve("snapshots"));
        SnapshotStore.SnapshotInfo info = store.write(0, out -> {
            for (NunDatabase db : loaded) {
                Entry token = db.entries.get(Database.TOKEN_KEY);
                if (token == null) {
                    log.warn("Database {} has no $$token key: nobody will be able to use it", db.name);
                }
                out.accept(LogEntry.createDb(db.name, token == null ? "" : hashed(token.value), db.strategy.word()));
                db.entries.forEach((key, e) -> {
                    if (!Database.TOKEN_KEY.equals(key)) {
                        String value = key.startsWith(USER_PREFIX) ? hashed(e.value) : e.value;
                        out.accept(LogEntry.put(db.name, key, e.version, value));
                    }
                });
            }
        });
        // Debug, not info: both callers (nun-db import, main) print this summary on stdout themselves,
        // and a log line there (logback's default outside the server) would say it twice.
        log.debug(
                "Imported {} databases, {} keys ({} deleted keys skipped) from {} into {}",
                names.size(),
                counts[0],
                counts[1],
                from,
                info.file());
        return new ImportSummary(List.copyOf(names), counts[0], counts[1], info.file());
    }

    /** NunDB keeps tokens in plain text; the imported snapshot holds their hashes only. */
    private static String hashed(String secret) {
        return secret.isEmpty() || SecretHash.isHash(secret)
                ? secret
                : SecretHash.hash(secret, SecretHash.DEFAULT_ITERATIONS);
    }

    private record Entry(String value, int version) {}

    private static final class NunDatabase {
        final String name;
        final Strategy strategy;
        final Map<String, Entry> entries = new LinkedHashMap<>();
        long deleted;

        NunDatabase(String name, Strategy strategy) {
            this.name = name;
            this.strategy = strategy;
        }
    }

    private static NunDatabase read(Path dir, String name) throws IOException {
        ByteBuffer keys = littleEndian(Files.readAllBytes(dir.resolve(name + KEYS_SUFFIX)));
        Path valuesFile = dir.resolve(name + VALUES_SUFFIX);
        ByteBuffer values = littleEndian(Files.exists(valuesFile) ? Files.readAllBytes(valuesFile) : new byte[0]);
        NunDatabase db = new NunDatabase(name, strategy(dir.resolve(name + META_SUFFIX)));
        while (keys.hasRemaining()) {
            int at = keys.position();
            try {
                int keyLength = length(keys.getLong(), keys.remaining(), "key length");
                byte[] key = new byte[keyLength];
                keys.get(key);
                int version = keys.getInt();
                long valueOffset = keys.getLong();
                String k = new String(key, StandardCharsets.UTF_8);
                if (version == -1) {
                    db.deleted++;
                    db.entries.remove(k);
                    continue;
                }
                if (Database.CONNECTIONS_KEY.equals(k)) {
                    continue;
                }
                db.entries.put(k, new Entry(value(values, valueOffset, name), version));
            } catch (RuntimeException e) {
                throw new IOException(
                        "Unreadable key record in " + name + KEYS_SUFFIX + " at offset " + at + ": " + e.getMessage(),
                        e);
            }
        }
        return db;
    }

    private static String value(ByteBuffer values, long offset, String db) {
        if (offset < 0 || offset + 8 > values.limit()) {
            throw new IllegalArgumentException("value offset " + offset + " outside " + db + VALUES_SUFFIX);
        }
        int at = (int) offset;
        int length = length(values.getLong(at), values.limit() - at - 8, "value length");
        byte[] bytes = new byte[length];
        values.get(at + 8, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int length(long n, int available, String what) {
        if (n < 0 || n > available) {
            throw new IllegalArgumentException(what + " " + n + " exceeds the " + available + " bytes left");
        }
        return (int) n;
    }

    private static Strategy strategy(Path meta) throws IOException {
        if (!Files.exists(meta)) {
            return Strategy.NEWER; // what NunDB assumes without metadata
        }
        ByteBuffer b = littleEndian(Files.readAllBytes(meta));
        if (b.remaining() < 12) {
            return Strategy.NEWER;
        }
        b.getLong(); // NunDB's numeric id: ours are names
        return switch (b.getInt()) {
            case 0 -> Strategy.NONE;
            case 2 -> Strategy.ARBITER;
            default -> Strategy.NEWER;
        };
    }

    private static ByteBuffer littleEndian(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code NunDbImporter <nundb-data-dir> <new-data-dir>}: the same as {@link #importDirectory}. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: NunDbImporter <nundb-data-dir> <new-data-dir>");
            System.exit(2);
        }
        try {
            ImportSummary s = importDirectory(Path.of(args[0]), Path.of(args[1]));
            System.out.printf(
                    "imported %d databases, %d keys (%d deleted skipped) into %s%n",
                    s.databases().size(), s.keys(), s.deletedSkipped(), s.snapshot());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("import failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
