package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.Response;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.storage.Journal;
import io.nundb.storage.LogEntry;
import io.nundb.watch.WatchRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pipelined commands of one session take effect in order although a write is only visible once
 * the log has it: a read waits for the session's earlier writes, and writes after it wait too.
 */
@Timeout(10)
class SessionOrderTest {

    private final List<CompletableFuture<Long>> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Journal journal = new Journal() {
        @Override
        public synchronized CompletableFuture<Long> append(LogEntry entry) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        }
    };
    private final Databases dbs = new Databases(journal, "pwd");
    private final WatchRegistry watches = new WatchRegistry();
    private final CommandExecutor executor =
            new CommandExecutor(dbs, watches, new AdminCredentials("nun", "pwd"), EnginePorts.standalone("n"));
    private final Session session = new Session("test", m -> true);

    private void durable(int i) {
        // create-db reaches the log once its token is hashed, on a hash thread
        org.awaitility.Awaitility.await().until(() -> answers.size() >= i);
        answers.get(i - 1).complete((long) i);
    }

    @Test
    void aPipelinedReadSeesTheSessionsEarlierWriteAndNotALaterOne() {
        executor.execute(session, "auth nun pwd");
        CompletableFuture<Response> created = executor.execute(session, "create-db app tok");
        CompletableFuture<Response> used = executor.execute(session, "use-db app tok");
        assertThat(used).as("use-db waits for the creation").isNotDone();
        durable(1);
        assertThat(created.join().isOk()).isTrue();
        assertThat(used.join().isOk()).isTrue();

        CompletableFuture<Response> set1 = executor.execute(session, "set k 1");
        CompletableFuture<Response> set2 = executor.execute(session, "set k 2");
        assertThat(answers).as("writes behind writes go to the log at once").hasSize(3);
        CompletableFuture<Response> get = executor.execute(session, "get k");
        CompletableFuture<Response> set3 = executor.execute(session, "set k 3");
        assertThat(answers).as("a write behind a waiting read waits").hasSize(3);
        durable(2);
        assertThat(get).isNotDone();
        durable(3);
        assertThat(get.join().messages()).containsExactly("value 2\n");
        assertThat(answers).hasSize(4);
        durable(4);
        assertThat(set1.join().isOk() && set2.join().isOk() && set3.join().isOk())
                .isTrue();
        assertThat(executor.execute(session, "get k").join().messages()).containsExactly("value 3\n");
    }
}
