package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.Command;
import io.nundb.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every mutating command passes the placement port once; reads never do. */
@Timeout(10)
class WritePlacementTest {

    /** Forwards sets, refuses removes, runs everything else here; records what it was asked. */
    private static final class Recording implements WritePlacement {
        final List<String> placed = new ArrayList<>();
        final List<String> forwarded = new ArrayList<>();

        @Override
        public synchronized Placement place(Session session, Command.Mutating command) {
            placed.add(command.name());
            if (command instanceof Command.Set) {
                return new Forward("10.0.0.9:3016");
            }
            if (command instanceof Command.Remove) {
                return new Refuse("no primary: election in progress");
            }
            return HERE;
        }

        @Override
        public synchronized CompletableFuture<Response> forward(Session session, String primary, String commandText) {
            forwarded.add(primary + " <- " + commandText + " as " + session.db());
            return CompletableFuture.completedFuture(Response.ok());
        }
    }

    private final Recording placement = new Recording();
    private final TestEngine engine = new TestEngine(EnginePorts.standalone("n").withPlacement(placement));

    @Test
    void mutatingCommandsArePlacedAndForwardedOrRefusedAsTold() {
        TestEngine.Client admin = engine.adminOn("app", "none");
        admin.expect("set k v w", "ok \n");
        admin.expect("remove k", "error no primary: election in progress \n");
        admin.expect("set-safe k 0 here", "ok \n");
        admin.expect("increment n 2", "ok \n");
        admin.expect("create-user ana pwd", "ok \n");
        admin.expect("set-permissions ana rw *", "ok \n");
        admin.expect("replicate app r 0 x", "ok \n");
        admin.expect("replicate-increment app n 1", "ok \n");
        admin.expect("replicate-remove app r", "ok \n");
        admin.expect("resolve 1 app k 1 x", "ok \n");
        // reads, watches, snapshots and session commands are not placed
        admin.expect("get k", "value x\n", "ok \n");
        admin.expect("get n", "value 3\n", "ok \n");
        admin.expect("watch k", "ok \n");
        admin.expect("snapshot", "ok \n");

        assertThat(placement.placed)
                .containsExactly(
                        "create-db",
                        "set",
                        "remove",
                        "set-safe",
                        "increment",
                        "create-user",
                        "set-permissions",
                        "replicate",
                        "replicate-increment",
                        "replicate-remove",
                        "resolve");
        assertThat(placement.forwarded).containsExactly("10.0.0.9:3016 <- set k v w as app");
    }

    @Test
    void standaloneRunsEveryWriteHere() {
        TestEngine.Client admin = new TestEngine().adminOn("app", "none");
        admin.expect("set k v", "ok \n");
        admin.expect("get k", "value v\n", "ok \n");
    }
}
