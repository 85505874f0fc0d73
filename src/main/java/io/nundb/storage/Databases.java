package io.nundb.storage;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every database of the node, including the internal {@code $admin} database whose token is the
 * admin password and which holds one key per database; with the node's {@link StateMachine} and
 * {@link WritePipeline}.
 */
public final class Databases {

    public static final String ADMIN_DB = "$admin";

    private final Map<String, Database> databases = new ConcurrentHashMap<>();
    // create-db decided and appended, not yet applied: a second create of the name is refused
    private final Set<String> creating = ConcurrentHashMap.newKeySet();
    private final OppIds oppIds;
    private final Object createLock = new Object();
    private final StateMachine stateMachine;
    private final WritePipeline pipeline;

    public Databases(Journal journal, String adminPassword) {
        this(journal, adminPassword, Clock.systemUTC());
    }

    /** {@code clock} stamps the change ids ({@code opp_id}) of the values. */
    public Databases(Journal journal, String adminPassword, Clock clock) {
        this.oppIds = new OppIds(clock);
        this.stateMachine = new StateMachine(this);
        this.pipeline = new WritePipeline(journal, stateMachine, this);
        Database admin = new Database(ADMIN_DB, Strategy.NEWER, pipeline, oppIds);
        admin.applied(Database.TOKEN_KEY, VersionedValue.live(adminPassword, 0, oppIds.next()));
        databases.put(ADMIN_DB, admin);
    }

    /** An in-memory store (tests, benchmarks): every entry is "durable" at once, with its own index. */
    public static Databases inMemory(String adminPassword) {
        return new Databases(Journal.inMemory(), adminPassword);
    }

    /** An in-memory store that tells {@code listener} (the watch registry) of every applied change. */
    public static Databases inMemory(String adminPassword, AppliedListener listener) {
        Databases databases = inMemory(adminPassword);
        databases.stateMachine().addListener(listener);
        return databases;
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

    public StateMachine stateMachine() {
        return stateMachine;
    }

    public WritePipeline pipeline() {
        return pipeline;
    }

    /**
     * Decides and appends a database creation. Returns null if it exists (or is being created);
     * otherwise a future that completes when the creation is applied, or fails when the log
     * refused it.
     */
    public CompletableFuture<Long> create(String name, String token, Strategy strategy) {
        WritePipeline.InFlight inFlight;
        synchronized (createLock) {
            if (databases.containsKey(name) || !creating.add(name)) {
                return null;
            }
            inFlight = pipeline.append(LogEntry.createDb(name, token, strategy.word()), null, null, null);
        }
        pipeline.track(inFlight);
        return inFlight.applied();
    }

    /**
     * Appends a cluster membership change (the primary only; see the cluster package). Returns a
     * future that completes with its index once it is stored (a member change takes effect when it
     * is in the log, before it is applied), or fails when the log refused it.
     */
    public CompletableFuture<Long> changeMembers(String members) {
        CompletableFuture<Long> stored = new CompletableFuture<>();
        WritePipeline.InFlight inFlight = pipeline.append(LogEntry.config(members), null, null, null, stored);
        pipeline.track(inFlight);
        return stored;
    }

    void forgetCreate(String name) {
        creating.remove(name);
    }

    /** The state machine's create-db: makes the database, or sets the token of an existing one. */
    Database install(String name, String token, Strategy strategy) {
        synchronized (createLock) {
            Database db = databases.get(name);
            if (db == null) {
                db = new Database(name, strategy, pipeline, oppIds);
                databases.put(name, db);
                databases.get(ADMIN_DB).applied(name, VersionedValue.live("{}", 0, oppIds.next()));
            }
            db.applied(Database.TOKEN_KEY, VersionedValue.live(token, 0, oppIds.next()));
            creating.remove(name);
            return db;
        }
    }
}
