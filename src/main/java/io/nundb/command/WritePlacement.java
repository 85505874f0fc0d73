package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.util.concurrent.CompletableFuture;

/**
 * Where a mutating command runs: every {@link Command.Mutating} passes through here once, in the
 * {@link CommandExecutor}, before it is decided. The cluster implements it (this node is the
 * primary → {@link #HERE}; a secondary → forward to the primary; no primary known → refuse); a
 * node alone always says here.
 *
 * <p>Called on the command's thread (a transport event loop): must not block.
 */
public interface WritePlacement {

    /** Run here, forward to the primary, or refuse with a reason. */
    sealed interface Placement {}

    /** This node decides the write. */
    record Here() implements Placement {}

    /** The primary at {@code primary} (its cluster address) decides it. */
    record Forward(String primary) implements Placement {}

    /** Nobody can take the write now; the client gets {@code error <reason>}. */
    record Refuse(String reason) implements Placement {}

    Placement HERE = new Here();

    Placement place(Session session, Command.Mutating command);

    /**
     * Runs {@code commandText} on the primary on behalf of {@code session} (its database, user and
     * admin flag) and answers with the primary's reply, once this node has applied the write.
     */
    CompletableFuture<Response> forward(Session session, String primary, String commandText);

    /**
     * Gives the answer of a write decided {@link #HERE} (its {@code local} answer) to the client:
     * a node alone passes it on; the cluster bounds how long it may stay pending once this node
     * stops being the primary. Called on the command's thread: must not block.
     */
    default CompletableFuture<Response> decidedHere(Session session, CompletableFuture<Response> local) {
        return local;
    }

    /** A node alone: every write is decided here. */
    WritePlacement STANDALONE = new WritePlacement() {
        @Override
        public Placement place(Session session, Command.Mutating command) {
            return HERE;
        }

        @Override
        public CompletableFuture<Response> forward(Session session, String primary, String commandText) {
            return CompletableFuture.completedFuture(
                    Response.error(ErrorCode.UNAVAILABLE, "clustering is not enabled on this node"));
        }
    };
}
