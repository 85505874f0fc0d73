package io.nundb.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.testing.InMemoryEngine;
import io.nundb.watch.ByteBudget;
import io.nundb.watch.OutboxLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/** Watch streams end with an explicit error event instead of growing or stopping silently. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchStreamsTest {

    private final InMemoryEngine engine = new InMemoryEngine("nun", "pwd");
    private final CommandExecutor executor = engine.executor();
    private final Session writer = new Session("test", m -> true);

    private void run(String command) {
        assertThat(executor.execute(writer, command).join().isOk()).as(command).isTrue();
    }

    @Test
    void aStreamThatFallsBehindByBytesGetsWhatWasBufferedThenAnErrorEventAndEnds() {
        run("auth nun pwd");
        run("create-db s tok");
        run("use-db s tok");
        ByteBudget total = new ByteBudget(1L << 30);
        WatchStreams streams = new WatchStreams(executor, engine.feed(), new OutboxLimits(1_000, 5_000, total));
        WatchRequest request =
                new WatchRequest(List.of(new Command.UseDb("s", null, "tok")), List.of("k"), false, null);
        String kb = "v".repeat(1_000);
        StepVerifier.create(streams.open(request), 1)
                .assertNext(e -> assertThat(e.isReady()).isTrue())
                .then(() -> {
                    for (int i = 0; i < 20; i++) {
                        run("set k " + i + kb);
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                // 4 changes of 1,002 chars fit in 5,000; the fifth ends the stream
                .expectNextCount(4)
                .assertNext(e -> {
                    assertThat(e.isError()).isTrue();
                    assertThat(e.value()).contains("slow consumer");
                    assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertThat(total.used()).isZero();
    }

    @Test
    void revokingTheUsersReadPermissionEndsItsStreamWithAnErrorEvent() {
        run("auth nun pwd");
        run("create-db r tok");
        run("use-db r tok");
        run("create-user bob pwd");
        run("set-permissions bob r *");
        WatchStreams streams = new WatchStreams(executor, engine.feed(), OutboxLimits.messages(100));
        WatchRequest request =
                new WatchRequest(List.of(new Command.UseDb("r", "bob", "pwd")), List.of("k"), false, null);
        StepVerifier.create(streams.open(request))
                .assertNext(e -> assertThat(e.isReady()).isTrue())
                .then(() -> run("set k 1"))
                .assertNext(e -> assertThat(e.value()).isEqualTo("1"))
                .then(() -> {
                    run("set-permissions bob r other*");
                    run("set k 2");
                })
                .assertNext(e -> {
                    assertThat(e.isError()).isTrue();
                    assertThat(e.value()).startsWith("permission denied");
                    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }
    /**
     * Found by reading the fuzzed doors: {@code keys} drops every {@code *} of its pattern, so the
     * current values of the prefix {@code x*y} were read for {@code xyz} too, which a user allowed
     * {@code x*y} may not read: the stream failed after its ready event (over SSE an ERROR line
     * and a stack trace, the response being already committed).
     */
    @Test
    void aPrefixWithAStarInsideSendsTheCurrentValuesOfItsOwnKeysOnly() {
        run("auth nun pwd");
        run("create-db p tok");
        run("use-db p tok");
        run("create-user carol pwd");
        run("set-permissions carol r x*y");
        run("set xyz 1");
        run("set x*yz 2");
        WatchStreams streams = new WatchStreams(executor, engine.feed(), OutboxLimits.messages(100));
        WatchRequest request =
                new WatchRequest(List.of(new Command.UseDb("p", "carol", "pwd")), List.of("x*y*"), true, null);
        StepVerifier.create(streams.open(request))
                .assertNext(e -> assertThat(e.isReady()).isTrue())
                .assertNext(e -> {
                    assertThat(e.type()).isEqualTo(StreamEvent.CURRENT);
                    assertThat(e.key()).isEqualTo("x*yz");
                    assertThat(e.value()).isEqualTo("2");
                })
                .then(() -> run("set x*y1 3"))
                .assertNext(e -> assertThat(e.key()).isEqualTo("x*y1"))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }
}
