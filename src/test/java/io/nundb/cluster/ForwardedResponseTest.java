package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A forwarded write's reply comes back with its type and error code. */
class ForwardedResponseTest {

    private static Response roundTrip(Response r) {
        return ForwardedResponse.decode(ForwardedResponse.encode(r));
    }

    @Test
    void repliesKeepTheirKindAndCode() {
        assertThat(roundTrip(Response.ok())).isEqualTo(Response.ok());
        assertThat(roundTrip(Response.ok("create-db success\n"))).isEqualTo(Response.ok("create-db success\n"));
        assertThat(roundTrip(Response.versionError())).isEqualTo(Response.versionError());
        Response denied = Response.pushedError(ErrorCode.PERMISSION_DENIED, Replies.PERMISSION_DENIED);
        assertThat(roundTrip(denied)).isEqualTo(denied);
        Response unknown = Response.error(ErrorCode.OUTCOME_UNKNOWN, "may or may not have been applied\nreally");
        assertThat(roundTrip(unknown)).isEqualTo(unknown);
    }

    @Test
    void aReplyFromANodeWithoutCodesIsStillRead() {
        // what a node before typed replies sends: outcome, error, messages and nothing more
        Response r = ForwardedResponse.decode("5:ERROR8:Not auth0;");
        assertThat(r.outcome()).isEqualTo(Response.Outcome.ERROR);
        assertThat(r.error()).isEqualTo("Not auth");
        assertThat(((Response.Failure) r).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(ForwardedResponse.decode("2:OK0:1;8:value 1\n").messages()).isEqualTo(List.of("value 1\n"));
    }
}
