package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import org.junit.jupiter.api.Test;

/** watch, unwatch, unwatch-all (reference 2.3.13-2.3.15, section 3). */
class WatchCommandsTest {

    private final TestEngine engine = new TestEngine();
    private final Client admin = engine.adminOn("test", "none");
    private final Client writer = engine.tokenClient("test");
    private final Client watcher = engine.tokenClient("test");

    @Test
    void aChangeSendsChangedThenChangedVersion() {
        watcher.expect("watch name", "ok \n");
        assertThat(watcher.pushed()).isEmpty(); // no initial value
        writer.expect("set-safe name 4 mateus", "ok \n");
        writer.expect("set-safe name 3 late", "error Invalid version! \n");
        writer.expect("set-safe name 5 maria da silva", "ok \n");
        assertThat(watcher.pushed())
                .containsExactly(
                        "changed name mateus\n",
                        "changed-version name 5 mateus\n",
                        "changed name maria da silva\n",
                        "changed-version name 6 maria da silva\n");
    }

    /** Issue 9: a revoked read permission ends an open watch at once, with permission denied. */
    @Test
    void revokingReadPermissionEndsAnOpenWatch() {
        admin.expect("create-user bob pwd", "ok \n");
        admin.expect("set-permissions bob r *", "ok \n");
        Client bob = engine.client();
        bob.expect("use-db test bob pwd", "ok \n");
        bob.expect("watch secret", "ok \n");
        writer.expect("set secret 1", "ok \n");
        assertThat(bob.pushed()).containsExactly("changed secret 1\n", "changed-version secret 0 1\n");
        admin.expect("set-permissions bob r public*", "ok \n");
        writer.expect("set secret 2", "ok \n");
        writer.expect("set secret 3", "ok \n");
        assertThat(bob.pushed()).containsExactly("permission denied\n");
    }

    /** Issue 9: a changed token (the user re-created) ends the watches of sessions that used the old one. */
    @Test
    void changingAUsersTokenEndsItsOpenWatches() {
        admin.expect("create-user carol old-pwd", "ok \n");
        Client carol = engine.client();
        carol.expect("use-db test carol old-pwd", "ok \n");
        admin.expect("set-permissions carol r *", "ok \n");
        carol.expect("watch k", "ok \n");
        admin.expect("create-user carol new-pwd", "ok \n");
        writer.expect("set k v", "ok \n");
        assertThat(carol.pushed()).containsExactly("permission denied\n");
        // the token login is unaffected
        watcher.expect("watch k", "ok \n");
        writer.expect("set k w", "ok \n");
        assertThat(watcher.pushed()).containsExactly("changed k w\n", "changed-version k 1 w\n");
    }

    @Test
    void theWriterSeesItsOwnChange() {
        writer.expect("watch name", "ok \n");
        writer.expect("set name x", "ok \n");
        assertThat(writer.pushed()).containsExactly("changed name x\n", "changed-version name 0 x\n");
    }

    @Test
    void watchingTwiceDeliversOnce() {
        watcher.expect("watch name", "ok \n");
        watcher.expect("watch name", "ok \n");
        writer.expect("set name x", "ok \n");
        assertThat(watcher.pushed()).hasSize(2);
    }

    @Test
    void unwatchStopsDeliveryOfThatKeyOnly() {
        watcher.expect("watch a", "ok \n");
        watcher.expect("watch b", "ok \n");
        watcher.expect("unwatch a", "ok \n");
        watcher.expect("unwatch never-watched", "ok \n");
        writer.expect("set a 1", "ok \n");
        writer.expect("set b 2", "ok \n");
        assertThat(watcher.pushed()).containsExactly("changed b 2\n", "changed-version b 0 2\n");
    }

    @Test
    void unwatchAllStopsEveryKeyOfTheDb() {
        watcher.expect("watch a", "ok \n");
        watcher.expect("watch b", "ok \n");
        watcher.expect("unwatch-all", "ok \n");
        watcher.expect("unwatch-all ignored args", "ok \n");
        writer.expect("set a 1", "ok \n");
        writer.expect("set b 2", "ok \n");
        assertThat(watcher.pushed()).isEmpty();
    }

    @Test
    void watchParseErrors() {
        watcher.expect("watch", "error watch must contain a key \n");
        watcher.expect("unwatch", "error unwatch must contain a key \n");
    }

    @Test
    void aWatchBelongsToTheDbSelectedWhenItWasMade() {
        admin.expect("create-db other other-pwd", "create-db success\n", "ok \n");
        watcher.expect("watch name", "ok \n");
        watcher.expect("use-db other other-pwd", "ok \n");
        writer.expect("set name x", "ok \n");
        Client otherWriter = engine.tokenClient("other");
        otherWriter.expect("set name y", "ok \n");
        assertThat(watcher.pushed()).containsExactly("changed name x\n", "changed-version name 0 x\n");
    }

    @Test
    void aWatcherThatClosedGetsNothing() {
        watcher.expect("watch name", "ok \n");
        watcher.close();
        writer.expect("set name x", "ok \n");
        assertThat(watcher.pushed()).isEmpty();
    }

    @Test
    void watchNeedsReadPermission() {
        admin.expect("create-user reader pwd", "ok \n");
        admin.expect("set-permissions reader r public*", "ok \n");
        Client reader = engine.client();
        reader.expect("use-db test reader pwd", "ok \n");
        reader.expect("watch secret", "permission denied\n", "error permission denied\n \n");
        reader.expect("watch public-news", "ok \n");
        // unwatch has no permission check
        reader.expect("unwatch secret", "ok \n");
    }
}
