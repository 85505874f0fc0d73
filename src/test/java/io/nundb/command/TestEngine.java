package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.watch.Outbox;
import io.nundb.watch.WatchRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The engine built with plain {@code new}, and clients that talk to it like a TCP connection. */
final class TestEngine {

    static final String ADMIN_USER = "nun";
    static final String ADMIN_PWD = "nun-pwd";
    /** Few PBKDF2 iterations: the tests check behaviour, not the hash's cost. */
    static final int HASH_ITERATIONS = 1000;

    final WatchRegistry watches = new WatchRegistry();
    final Databases dbs = Databases.inMemory(ADMIN_PWD, watches);
    final CommandExecutor executor;

    TestEngine() {
        this(EnginePorts.standalone("127.0.0.1:3014"));
    }

    TestEngine(EnginePorts ports) {
        this.executor =
                new CommandExecutor(dbs, watches, new AdminCredentials(ADMIN_USER, ADMIN_PWD, HASH_ITERATIONS), ports);
    }

    Client client() {
        return new Client(this, "test");
    }

    /** A client authenticated as the cluster admin. */
    Client admin() {
        Client c = client();
        c.expect("auth nun nun-pwd", "valid auth\n", "ok \n");
        return c;
    }

    /** Creates {@code db} (token {@code db-pwd}) with the strategy and returns an admin using it. */
    Client adminOn(String db, String strategy) {
        Client c = admin();
        c.expect("create-db " + db + " " + db + "-pwd " + strategy, "create-db success\n", "ok \n");
        c.expect("use-db " + db + " " + db + "-pwd", "ok \n");
        return c;
    }

    /** A token (non-admin) client on an existing db. */
    Client tokenClient(String db) {
        Client c = client();
        c.expect("use-db " + db + " " + db + "-pwd", "ok \n");
        return c;
    }

    /** An outbox that records what it is offered, from any thread. */
    static final class RecordingOutbox implements Outbox {
        private final List<String> messages = new ArrayList<>();

        @Override
        public synchronized boolean offer(String message) {
            messages.add(message);
            return true;
        }

        synchronized List<String> snapshot() {
            return List.copyOf(messages);
        }

        synchronized List<String> drain() {
            List<String> out = List.copyOf(messages);
            messages.clear();
            return out;
        }
    }

    static final class Client {
        final TestEngine engine;
        final RecordingOutbox outbox = new RecordingOutbox();
        final Session session;

        Client(TestEngine engine, String transport) {
            this.engine = engine;
            this.session = new Session(transport, outbox);
        }

        Response run(String command) {
            try {
                return engine.executor.execute(session, command).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("command did not complete: " + command, e);
            }
        }

        /** The bytes a TCP client would read for the command: its messages, then ok/error. */
        String send(String command) {
            Response r = run(command);
            return String.join("", r.messages()) + Replies.terminal(r);
        }

        /** Sends and checks the exact lines received (messages then the final line). */
        Client expect(String command, String... lines) {
            assertThat(send(command)).as(command).isEqualTo(String.join("", lines));
            return this;
        }

        /** Asynchronous messages received so far (watch notifications, arbiter requests), cleared. */
        List<String> pushed() {
            return outbox.drain();
        }

        void close() {
            engine.executor.close(session);
        }
    }
}
