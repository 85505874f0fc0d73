package io.nundb.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.VersionedValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {

    static final ChangeFeed.Selector ALL_A = new ChangeFeed.Selector("db", List.of("a"), List.of("p-"));

    @Test
    void subscribersGetMatchingKeysAndPrefixesOnly() {
        ChangeFeed feed = new ChangeFeed();
        List<String> seen = new ArrayList<>();
        ChangeFeed.Subscription sub = feed.subscribe(ALL_A, c -> seen.add(c.key() + "=" + c.value()));
        feed.onChange("db", "a", VersionedValue.live("1", 0, 1));
        feed.onChange("db", "b", VersionedValue.live("2", 0, 2));
        feed.onChange("db", "p-x", VersionedValue.live("3", 0, 3));
        feed.onChange("other", "a", VersionedValue.live("4", 0, 4));
        feed.onChange("db", "$$token", VersionedValue.live("secret", 0, 5));
        sub.close();
        feed.onChange("db", "a", VersionedValue.live("5", 1, 6));
        assertThat(seen).containsExactly("a=1", "p-x=3");
        assertThat(feed.subscriberCount()).isZero();
    }

    @Test
    void sinceReturnsWhatFollowedARetainedChange() {
        ChangeFeed feed = new ChangeFeed();
        feed.subscribe(ALL_A, c -> {});
        feed.onChange("db", "a", VersionedValue.live("x", 0, 1));
        feed.onChange("db", "b", VersionedValue.live("y", 0, 2));
        feed.onChange("db", "a", VersionedValue.live("z", 1, 3));
        feed.onChange("db", "a", VersionedValue.tombstone(2, 4));
        assertThat(feed.since(ALL_A, "a", 0).orElseThrow())
                .extracting(ChangeFeed.Change::version, ChangeFeed.Change::removed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
        assertThat(feed.since(ALL_A, "a", 2).orElseThrow()).isEmpty();
        assertThat(feed.since(ALL_A, "a", 7)).isEmpty();
    }

    @Test
    void evictedHistoryMeansTheCallerMustResync() {
        ChangeFeed feed = new ChangeFeed(3, 1_000_000);
        feed.subscribe(ALL_A, c -> {});
        for (int v = 0; v < 5; v++) {
            feed.onChange("db", "a", VersionedValue.live("v" + v, v, v));
        }
        assertThat(feed.since(ALL_A, "a", 0)).isEmpty();
        assertThat(feed.since(ALL_A, "a", 2).orElseThrow()).hasSize(2);
    }

    @Test
    void connectionCountsAreStreamedButNotRetained() {
        ChangeFeed feed = new ChangeFeed(2, 1_000_000);
        ChangeFeed.Selector connections = new ChangeFeed.Selector("db", List.of("$connections", "a"), List.of());
        List<String> seen = new ArrayList<>();
        feed.subscribe(connections, c -> seen.add(c.key()));
        feed.onChange("db", "a", VersionedValue.live("1", 0, 1));
        for (int i = 0; i < 10; i++) {
            feed.onChange("db", "$connections", VersionedValue.live(Integer.toString(i), i, 10 + i));
        }
        assertThat(seen).hasSize(11);
        assertThat(feed.since(connections, "a", 0).orElseThrow()).isEmpty();
    }

    @Test
    void aDatabaseNobodyStreamsKeepsNoHistory() {
        ChangeFeed feed = new ChangeFeed();
        feed.onChange("db", "a", VersionedValue.live("x", 0, 1));
        feed.onChange("db", "a", VersionedValue.live("y", 1, 2));
        assertThat(feed.since(ALL_A, "a", 0)).isEmpty();
        assertThat(feed.latestSeq("db")).isZero();
    }

    @Test
    void historyIsKeptForTheResumeWindowAfterTheLastStreamClosed() {
        long[] now = {0};
        ChangeFeed feed = new ChangeFeed(100, 1_000_000, Runnable::run, Duration.ofSeconds(10), () -> now[0]);
        ChangeFeed.Subscription first = feed.subscribe(ALL_A, c -> {});
        ChangeFeed.Subscription second = feed.subscribe(ALL_A, c -> {});
        feed.onChange("db", "a", VersionedValue.live("x", 0, 1));
        first.close();
        now[0] = Duration.ofSeconds(20).toNanos();
        feed.onChange("db", "a", VersionedValue.live("y", 1, 2)); // one stream still open
        second.close();
        now[0] += Duration.ofSeconds(9).toNanos();
        feed.onChange("db", "a", VersionedValue.live("z", 2, 3)); // within the window
        assertThat(feed.since(ALL_A, "a", 0).orElseThrow())
                .extracting(ChangeFeed.Change::value)
                .containsExactly("y", "z");

        now[0] += Duration.ofSeconds(2).toNanos();
        feed.onChange("db", "a", VersionedValue.live("w", 3, 4)); // past it: the history goes
        assertThat(feed.since(ALL_A, "a", 0)).isEmpty();
        assertThat(feed.since(ALL_A, "a", 2)).isEmpty();

        // a new stream starts a new history; the old resume points stay unknown (resync)
        feed.subscribe(ALL_A, c -> {});
        feed.onChange("db", "a", VersionedValue.live("v", 4, 5));
        feed.onChange("db", "a", VersionedValue.live("u", 5, 6));
        assertThat(feed.since(ALL_A, "a", 3)).isEmpty();
        assertThat(feed.since(ALL_A, "a", 4).orElseThrow())
                .extracting(ChangeFeed.Change::value)
                .containsExactly("u");
    }
}
