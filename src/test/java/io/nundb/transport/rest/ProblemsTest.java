package io.nundb.transport.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The one table from engine error codes to HTTP statuses, and the problem details built from it. */
class ProblemsTest {

    @Test
    void everyCodeHasAStatus() {
        assertThat(Problems.STATUS).containsOnlyKeys(ErrorCode.values());
        assertThat(Problems.STATUS.get(ErrorCode.VERSION_CONFLICT)).isEqualTo(HttpStatus.PRECONDITION_FAILED);
        assertThat(Problems.STATUS.get(ErrorCode.PERMISSION_DENIED)).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(Problems.STATUS.get(ErrorCode.NOT_STORED)).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void aFailureBecomesAProblemWithItsCode() {
        var e = Problems.fromEngine(
                (Response.Failure) Response.pushedError(ErrorCode.PERMISSION_DENIED, "permission denied\n"));
        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(e.getBody().getDetail()).isEqualTo("permission denied");
        assertThat(e.getBody().getProperties()).containsEntry("code", "PERMISSION_DENIED");
        var auth = Problems.fromCode(ErrorCode.INVALID_AUTH, "Invalid token");
        assertThat(auth.getHeaders().getFirst("WWW-Authenticate")).contains("Bearer");
    }
}
