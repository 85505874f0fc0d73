package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.security.LoginThrottle;
import io.nundb.security.SecretVerifier;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Failed-login throttling for {@code auth} and {@code use-db}, per connection and per source
 * address ({@link LoginThrottle}). While locked out, an attempt is answered at once, without
 * checking the credentials, in NunDB's shape ({@code invalid auth}, {@code error Invalid token},
 * which NunDB clients handle) preceded by a message that says why. A check that could not run
 * (too many queued) counts neither way. Runs on the caller's thread and the check's; never waits.
 */
final class LoginAttempts {

    private final LoginThrottle bySource;
    private final LongSupplier clock;

    LoginAttempts(LoginThrottle bySource, LongSupplier clockMillis) {
        this.bySource = bySource;
        this.clock = clockMillis;
    }

    CompletableFuture<Response> attempt(
            Session session, Command command, Supplier<CompletableFuture<SessionCommands.Login>> check) {
        long now = clock.getAsLong();
        long wait = Math.max(session.loginLockedFor(now), bySource.lockedFor(session.source()));
        if (wait > 0) {
            return CompletableFuture.completedFuture(locked(command, wait));
        }
        return check.get().thenApply(login -> {
            Response r = login.response();
            if (login.verdict() == SecretVerifier.Verdict.INVALID) {
                session.loginFailed(clock.getAsLong());
                bySource.failed(session.source());
            } else if (login.verdict() == SecretVerifier.Verdict.VALID && r.isOk()) {
                session.loginSucceeded();
                bySource.succeeded(session.source());
            }
            return r;
        });
    }

    private static Response locked(Command command, long waitMillis) {
        String why = "login locked: too many failed logins, retry in " + ((waitMillis + 999) / 1000) + " s\n";
        if (command instanceof Command.Auth) {
            return new Response.Failure(
                    ErrorCode.LOGIN_LOCKED,
                    why.strip(),
                    List.of(why, SessionCommands.INVALID_AUTH_TEXT),
                    Response.Outcome.OK,
                    null);
        }
        return new Response.Failure(
                ErrorCode.LOGIN_LOCKED, why.strip(), List.of(why), Response.Outcome.ERROR, "Invalid token");
    }
}
