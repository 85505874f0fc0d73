package io.nundb.transport.rest;

import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.web.ErrorResponseException;

/**
 * The {@code Authorization} header turned into login commands: a bearer token is the db token, HTTP
 * Basic is a db user and its token (or, on admin routes, the admin user and password).
 */
final class Credentials {

    private Credentials() {}

    static List<Command> forDb(String authorization, String db) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return List.of(
                    new Command.UseDb(db, null, authorization.substring(7).strip()));
        }
        String[] basic = basic(authorization);
        return List.of(new Command.UseDb(db, basic[0], basic[1]));
    }

    static List<Command> forAdmin(String authorization) {
        String[] basic = basic(authorization);
        return List.of(new Command.Auth(basic[0], basic[1]));
    }

    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw missing();
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw missing();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw missing();
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static ErrorResponseException missing() {
        return Problems.fromCode(
                ErrorCode.INVALID_AUTH,
                "send the db token as 'Authorization: Bearer <token>' or a db user as HTTP Basic"
                        + " (the admin user for admin routes)");
    }
}
