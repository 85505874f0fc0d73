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
                        chain = chain.then(step.run(c)).flatMap(EngineCalls::checkLogin);
                    }
                    return chain.then(Mono.defer(() -> work.apply(step)));
                },
                session -> Mono.fromRunnable(() -> executor.close(session)));
    }

    private static Mono<Response> checkLogin(Response r) {
        if (!r.messages().isEmpty() && r.messages().get(0).startsWith("invalid auth")) {
            return Mono.error(Problems.fromEngineText("invalid auth"));
        }
        return Mono.just(r);
    }

    /** Commands on one logged-in session. */
    final class Step {
        private final Session session;

        Step(Session session) {
            this.session = session;
        }

        /** The response, or an error signal for anything but ok. */
        Mono<Response> run(Command command) {
            return raw(command).flatMap(r -> r.isOk() ? Mono.just(r) : Mono.error(Problems.fromEngine(r)));
        }

        Mono<Response> raw(Command command) {
            return Mono.fromFuture(() -> executor.execute(session, command));
        }
    }
}
