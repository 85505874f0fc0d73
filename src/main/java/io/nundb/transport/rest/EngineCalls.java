package io.nundb.transport.rest;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Command;
import io.nundb.protocol.Response;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** Runs REST requests through the executor, each on a fresh session that ends with the request. */
final class EngineCalls {

    private final CommandExecutor executor;

    EngineCalls(CommandExecutor executor) {
        this.executor = executor;
    }

    /** Logs in with {@code login}, then runs {@code work}; engine errors become problem details. */
    <T> Mono<T> withSession(List<Command> login, Function<Step, Mono<T>> work) {
        return Mono.usingWhen(
                Mono.fromSupplier(() -> new Session("rest", message -> true)),
                session -> {
                    Step step = new Step(session);
                    Mono<Response> chain = Mono.empty();
                    for (Command c : login) {
                        chain = chain.then(step.run(c));
                    }
                    return chain.then(Mono.defer(() -> work.apply(step)));
                },
                session -> Mono.fromRunnable(() -> executor.close(session)));
    }

    /** Commands on one logged-in session. */
    final class Step {
        private final Session session;

        Step(Session session) {
            this.session = session;
        }

        /**
         * The response, or an error signal for any failure (also a wrong {@code auth}, which the
         * text doors answer on an ok line).
         */
        Mono<Response> run(Command command) {
            return raw(command)
                    .flatMap(r -> r instanceof Response.Failure f ? Mono.error(Problems.fromEngine(f)) : Mono.just(r));
        }

        /** The response as the engine gave it, failures included. */
        Mono<Response> raw(Command command) {
            return Mono.fromFuture(() -> executor.execute(session, command));
        }

        /** The response, which must be of {@code type} (the engine's answer to that command when it succeeds). */
        <T extends Response> Mono<T> run(Command command, Class<T> type) {
            return run(command).map(r -> {
                if (!type.isInstance(r)) {
                    throw new IllegalStateException(command.name() + " answered " + r);
                }
                return type.cast(r);
            });
        }
    }
}
