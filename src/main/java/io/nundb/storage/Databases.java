package io.nundb.storage;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every database of the node, including the internal {@code $admin} database whose token is the
 * admin password and which holds one key per database.
 */
public final class Databases {

    public static final String ADMIN_DB = "$admin";

    private final Map<String, Database> databases = new ConcurrentHashMap<>();
    private final Journal journal;
    private final ChangeListener listener;
    private final OppIds oppIds = new OppIds();
    private final Object createLock = new Object();

    public Databases(Journal journal, ChangeListener listener, String adminPassword) {
        this.journal = journal;
        this.listener = listener;
        Database admin = new Database(ADMIN_DB, Strategy.NEWER, Journal.NONE, ChangeListener.NONE, oppIds);
        admin.restore(Database.TOKEN_KEY, VersionedValue.live(adminPassword, 0, oppIds.next()));
        databases.put(ADMIN_DB, admin);
    }

    /** An in-memory store with no journal and no listener (tests, benchmarks). */
    public static Databases inMemory(String adminPassword) {
        return inMemory(adminPassword, ChangeListener.NONE);
    }

    /** An in-memory store that tells {@code listener} (the watch registry) of every change. */
    public static Databases inMemory(String adminPassword, ChangeListener listener) {
        return new Databases(Journal.NONE, listener, adminPassword);
    }

    public Database get(String name) {
        return name == null ? null : databases.get(name);
    }

    public boolean exists(String name) {
        return databases.containsKey(name);
    }

    public Collection<Database> all() {
        return databases.values();
    }

    public OppIds oppIds() {
        return oppIds;
    }

    /**
     * Creates a database, journaled. Returns null if it already exists; otherwise a future that
     * completes when the creation is durable.
     */
    public CompletableFuture<Long> create(String name, String token, Strategy strategy) {
        synchronized (createLock) {
            if (databases.containsKey(name)) {
                return null;
            }
            Database db = install(name, token, strategy);
            CompletableFuture<Long> durable = journal.append(LogEntry.createDb(name, token, strategy.word()));
            listener.onChange(name, Database.TOKEN_KEY, db.get(Database.TOKEN_KEY));
            return durable;
        }
    }

    /** Re-creates a database during recovery: no journal, no notification; idempotent. */
    public Database restoreDatabase(String name, String token, Strategy strategy) {
        synchronized (createLock) {
            Database existing = databases.get(name);
            if (existing != null) {
                existing.restore(Database.TOKEN_KEY, VersionedValue.live(token, 0, oppIds.next()));
                return existing;
            }
            return install(name, token, strategy);
        }
    }

    /** Applies one recovered op-log record (replay); idempotent, in index order. */
    public void restore(LogEntry record) {
        switch (record.type()) {
            case CREATE_DB -> restoreDatabase(record.db(), record.key(), Strategy.fromWord(record.value()));
            case PUT ->
                requireForReplay(record)
                        .restore(record.key(), VersionedValue.live(record.value(), record.version(), oppIds.next()));
            case REMOVE ->
                requireForReplay(record)
                        .restore(record.key(), VersionedValue.tombstone(record.version(), oppIds.next()));
            case NOOP -> {
                // a leader's term marker: no state
            }
        }
    }

    private Database requireForReplay(LogEntry record) {
        Database db = databases.get(record.db());
        if (db == null) {
            throw new IllegalStateException(
                    "op-log record " + record.index() + " names database '" + record.db() + "' that was never created");
        }
        return db;
    }

    private Database install(String name, String token, Strategy strategy) {
        Database db = new Database(name, strategy, journal, listener, oppIds);
        db.restore(Database.TOKEN_KEY, VersionedValue.live(token, 0, oppIds.next()));
        databases.put(name, db);
        databases.get(ADMIN_DB).restore(name, VersionedValue.live("{}", 0, oppIds.next()));
        return db;
    }
}
