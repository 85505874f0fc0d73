package io.nundb.transport.rest;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Engine errors as RFC 9457 problem details, with a status a REST client can act on: the status
 * comes from the error's {@link ErrorCode} ({@link #STATUS}, the one table), and the code itself is
 * the problem's {@code code} member.
 */
final class Problems {

    /** The HTTP status of each engine error code. */
    static final Map<ErrorCode, HttpStatus> STATUS = statusTable();

    private Problems() {}

    private static Map<ErrorCode, HttpStatus> statusTable() {
        Map<ErrorCode, HttpStatus> m = new EnumMap<>(ErrorCode.class);
        m.put(ErrorCode.NO_DB_SELECTED, HttpStatus.BAD_REQUEST);
        m.put(ErrorCode.PERMISSION_DENIED, HttpStatus.FORBIDDEN);
        m.put(ErrorCode.INVALID_AUTH, HttpStatus.UNAUTHORIZED);
        m.put(ErrorCode.LOGIN_LOCKED, HttpStatus.TOO_MANY_REQUESTS);
        m.put(ErrorCode.ADMIN_REQUIRED, HttpStatus.UNAUTHORIZED);
        m.put(ErrorCode.NOT_FOUND, HttpStatus.NOT_FOUND);
        m.put(ErrorCode.ALREADY_EXISTS, HttpStatus.CONFLICT);
        m.put(ErrorCode.VERSION_CONFLICT, HttpStatus.PRECONDITION_FAILED);
        m.put(ErrorCode.CONFLICT, HttpStatus.CONFLICT);
        m.put(ErrorCode.BAD_REQUEST, HttpStatus.BAD_REQUEST);
        m.put(ErrorCode.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE);
        m.put(ErrorCode.NOT_STORED, HttpStatus.SERVICE_UNAVAILABLE);
        m.put(ErrorCode.OUTCOME_UNKNOWN, HttpStatus.GATEWAY_TIMEOUT);
        m.put(ErrorCode.NO_PRIMARY, HttpStatus.SERVICE_UNAVAILABLE);
        m.put(ErrorCode.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE);
        m.put(ErrorCode.INTERNAL, HttpStatus.INTERNAL_SERVER_ERROR);
        if (m.size() != ErrorCode.values().length) {
            throw new IllegalStateException("an error code has no HTTP status");
        }
        return m;
    }

    static ErrorResponseException fromEngine(Response.Failure f) {
        return fromCode(f.code(), f.message());
    }

    static ErrorResponseException fromCode(ErrorCode code, String message) {
        HttpStatus status = STATUS.get(code);
        ErrorResponseException e = problem(status, titleFor(code, status), message);
        e.getBody().setProperty("code", code.name());
        return e;
    }

    private static String titleFor(ErrorCode code, HttpStatus status) {
        if (code == ErrorCode.VERSION_CONFLICT) {
            return "Version conflict";
        }
        return status == HttpStatus.BAD_REQUEST ? "Request rejected" : status.getReasonPhrase();
    }

    static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setTitle(title);
        pd.setType(URI.create("about:blank"));
        ErrorResponseException e = new ErrorResponseException(status, pd, null);
        if (status == HttpStatus.UNAUTHORIZED) {
            e.getHeaders().add("WWW-Authenticate", "Basic realm=\"nundb\", Bearer realm=\"nundb\"");
        }
        return e;
    }
}
