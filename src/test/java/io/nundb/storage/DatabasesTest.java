package io.nundb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The store: creation, journaling order, what is not journaled, and replay. */
class DatabasesTest {

    private final List<LogEntry> journaled = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final Journal journal = r -> {
        journaled.add(r);
        return CompletableFuture.completedFuture((long) journaled.size());
    };
    private final Databases dbs = new Databases(journal, "admin-pwd");

    {
        dbs.stateMachine().addListener((e, key, v) -> events.add(e.db() + "/" + key + "@" + v.version()));
    }

    @Test
    void theAdminDbExistsWithTheAdminPasswordAsToken() {
        Database admin = dbs.get(Databases.ADMIN_DB);
        assertThat(admin.getLive(Database.TOKEN_KEY).value()).isEqualTo("admin-pwd");
        assertThat(admin.strategy()).isEqualTo(Strategy.NEWER);
        assertThat(dbs.get(null)).isNull();
    }

    @Test
    void createIsJournaledOnceAndListedInAdmin() {
        assertThat(dbs.create("app", "tok", Strategy.ARBITER)).isNotNull();
        assertThat(dbs.create("app", "other", Strategy.NONE)).isNull();
        assertThat(journaled).containsExactly(LogEntry.createDb("app", "tok", "arbiter"));
        assertThat(dbs.get(Databases.ADMIN_DB).getLive("app").value()).isEqualTo("{}");
        assertThat(dbs.get("app").getLive(Database.TOKEN_KEY).value()).isEqualTo("tok");
    }

    @Test
    void changesAreJournaledAndAnnouncedInOrderButConnectionsAreNotJournaled() {
        dbs.create("app", "tok", Strategy.NONE);
        Database db = dbs.get("app");
        db.mutate("k", cur -> Decision.put("a", 0));
        db.mutate("k", cur -> Decision.put("b", cur.version() + 1));
        db.mutate("k", cur -> new Decision.Remove(cur.version() + 1));
        WriteResult rejected = db.mutate("k", cur -> Decision.reject("why"));
        db.mutate(Database.CONNECTIONS_KEY, cur -> Decision.put("1", 0));
        assertThat(rejected.applied()).isFalse();
        assertThat(rejected.rejection()).isEqualTo("why");
        assertThat(journaled.subList(1, journaled.size()))
                .containsExactly(
                        LogEntry.put("app", "k", 0, "a"),
                        LogEntry.put("app", "k", 1, "b"),
                        LogEntry.remove("app", "k", 2));
        assertThat(events).containsExactly("app/$$token@0", "app/k@0", "app/k@1", "app/k@2", "app/$connections@0");
        assertThat(db.liveKeys()).containsExactlyInAnyOrder(Database.TOKEN_KEY, Database.CONNECTIONS_KEY);
        assertThat(db.get("k").deleted()).isTrue();
    }

    @Test
    void replayRebuildsTheStateThroughTheStateMachineWithoutJournaling() {
        Databases fresh = new Databases(journal, "admin-pwd");
        fresh.stateMachine().addListener((e, key, v) -> events.add(key + "@" + e.index()));
        StateMachine machine = fresh.stateMachine();
        machine.apply(LogEntry.createDb("app", "tok", "newer").withIndex(1, 0));
        machine.apply(LogEntry.put("app", "k", 4, "v").withIndex(2, 0));
        machine.apply(LogEntry.put("app", "gone", 1, "v").withIndex(3, 0));
        machine.apply(LogEntry.remove("app", "gone", 2).withIndex(4, 0));
        machine.apply(LogEntry.createDb("app", "tok", "newer")); // idempotent
        assertThat(journaled).isEmpty();
        assertThat(events).containsExactly("$$token@1", "k@2", "gone@3", "gone@4", "$$token@0");
        assertThat(machine.appliedIndex()).isEqualTo(4);
        Database db = fresh.get("app");
        assertThat(db.strategy()).isEqualTo(Strategy.NEWER);
        assertThat(db.get("k").version()).isEqualTo(4);
        assertThat(db.get("gone").deleted()).isTrue();
        db.purgeTombstone("gone");
        db.purgeTombstone("k");
        assertThat(db.get("gone")).isNull();
        assertThat(db.get("k")).isNotNull();
        assertThatThrownBy(() -> machine.apply(new LogEntry(7, 0, OpType.PUT, "nope", "k", 0, "v")))
                .hasMessageContaining("never created");
    }

    @Test
    void oppIdsStrictlyIncrease() {
        OppIds ids = new OppIds();
        long previous = ids.next();
        for (int i = 0; i < 10_000; i++) {
            long next = ids.next();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }
}
