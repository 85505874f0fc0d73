package io.nundb.storage.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.security.SecretHash;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.Strategy;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.storage.snapshot.RecoveryMode;
import io.nundb.storage.snapshot.SnapshotStore;
import io.nundb.storage.snapshot.StartupRecovery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class NunDbImporterTest {

    @TempDir
    Path nun;

    @TempDir
    Path ours;

    /** Writes one NunDB database the way NunDB's snapshot does (reference 6.2), little-endian. */
    static final class NunFiles {
        final ByteArrayOutputStream keys = new ByteArrayOutputStream();
        final ByteArrayOutputStream values = new ByteArrayOutputStream();

        NunFiles key(String key, int version, String value) {
            long offset = values.size();
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            values.writeBytes(
                    le(8 + v.length + 4).putLong(v.length).put(v).putInt(0).array());
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            keys.writeBytes(le(8 + k.length + 4 + 8)
                    .putLong(k.length)
                    .put(k)
                    .putInt(version)
                    .putLong(offset)
                    .array());
            return this;
        }

        void write(Path dir, String db, long id, int strategy) throws IOException {
            Files.write(dir.resolve(db + "-nun.data.keys"), keys.toByteArray());
            Files.write(dir.resolve(db + "-nun.data.values"), values.toByteArray());
            Files.write(
                    dir.resolve(db + "-nun.madadata"),
                    le(12).putLong(id).putInt(strategy).array());
        }

        static ByteBuffer le(int n) {
            return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * The sample NunDB data directory docs/storage.md imports ({@code nun-db import --from
     * src/test/resources/nundb-data …}): two databases and {@code $admin}, a deleted key, a user, a
     * non-ASCII key, and NunDB's op log and key-id map, which the import does not need.
     */
    static final Path SAMPLE = Path.of("src/test/resources/nundb-data");

    /** Writes what {@link #SAMPLE} holds. */
    static void writeSample(Path dir) throws IOException {
        new NunFiles()
                .key("$$token", 1, "shop-token")
                .key("cart", 7, "{\"items\": [1, 2]}")
                .key("old", -1, "gone")
                .key("$$user_ana", 1, "ana-pwd")
                .key("ünïcode key", 3, "välue")
                .write(dir, "shop", 1, 2);
        new NunFiles().key("$$token", 1, "t2").key("x", 1, "1").write(dir, "plain", 2, 0);
        new NunFiles().key("$$token", 1, "admin-secret").write(dir, "$admin", 0, 1);
        Files.write(dir.resolve("oplog-nun.op"), new byte[25]);
        Files.write(dir.resolve("keys-nun.keys"), new byte[8]);
    }

    @Test
    void theDocumentedSampleDirectoryIsNunDbsFormatAsWrittenHere() throws Exception {
        writeSample(nun);
        try (var written = Files.list(nun);
                var sample = Files.list(SAMPLE)) {
            assertThat(sample.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(
                            written.map(p -> p.getFileName().toString()).toList());
        }
        try (var written = Files.list(nun)) {
            for (Path file : written.toList()) {
                assertThat(Files.readAllBytes(SAMPLE.resolve(file.getFileName().toString())))
                        .as(file.getFileName().toString())
                        .isEqualTo(Files.readAllBytes(file));
            }
        }
    }

    @Test
    void importsDatabasesTokensVersionsAndStrategies() throws Exception {
        NunDbImporter.ImportSummary summary = NunDbImporter.importDirectory(SAMPLE, ours.resolve("data"));

        assertThat(summary.databases()).containsExactly("plain", "shop");
        assertThat(summary.keys()).isEqualTo(6);
        assertThat(summary.deletedSkipped()).isEqualTo(1);

        OpLog log = new OpLog(ours.resolve("data/oplog"), OpLogOptions.defaults());
        Databases dbs = new Databases(log, "new-admin");
        new StartupRecovery(
                        ours.resolve("data"),
                        log,
                        new SnapshotStore(ours.resolve("data/snapshots")),
                        RecoveryMode.STRICT)
                .recoverInto(dbs);
        Database shop = dbs.get("shop");
        assertThat(shop.strategy()).isEqualTo(Strategy.ARBITER);
        // NunDB's plain tokens arrive as their salted hashes
        assertThat(shop.get(Database.TOKEN_KEY).value()).startsWith(SecretHash.PREFIX);
        assertThat(SecretHash.verify(shop.get(Database.TOKEN_KEY).value(), "shop-token"))
                .isTrue();
        assertThat(shop.get("cart").value()).isEqualTo("{\"items\": [1, 2]}");
        assertThat(shop.get("cart").version()).isEqualTo(7);
        assertThat(shop.get("ünïcode key").value()).isEqualTo("välue");
        assertThat(SecretHash.verify(shop.get("$$user_ana").value(), "ana-pwd")).isTrue();
        assertThat(shop.get("$$user_ana").value()).doesNotContain("ana-pwd");
        assertThat(shop.get("old")).isNull();
        assertThat(dbs.get("plain").strategy()).isEqualTo(Strategy.NONE);
        assertThat(dbs.get(Databases.ADMIN_DB).get(Database.TOKEN_KEY).value()).isEqualTo("new-admin");
        // the imported data is a normal data dir: writes go on in the op log
        assertThat(dbs.get("plain")
                        .mutate("y", c -> new io.nundb.storage.Decision.Put("2", 0))
                        .durable()
                        .get())
                .isEqualTo(1L);
        log.close();
    }

    @Test
    void refusesToOverwriteExistingData() throws Exception {
        new NunFiles().key("$$token", 1, "t").write(nun, "a", 1, 1);
        NunDbImporter.importDirectory(nun, ours);
        assertThatThrownBy(() -> NunDbImporter.importDirectory(nun, ours)).hasMessageContaining("already holds data");
    }

    @Test
    void reportsADamagedKeyFileWithItsOffset() throws Exception {
        new NunFiles().key("$$token", 1, "t").write(nun, "a", 1, 1);
        Files.write(
                nun.resolve("a-nun.data.keys"),
                NunFiles.le(12).putLong(1_000_000).putInt(0).array(),
                java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> NunDbImporter.importDirectory(nun, ours))
                .hasMessageContaining("a-nun.data.keys at offset 27");
    }
}
