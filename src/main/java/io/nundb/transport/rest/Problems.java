package io.nundb.transport.rest;

import io.nundb.protocol.Response;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Engine errors as RFC 9457 problem details, with a status a REST client can act on. */
final class Problems {

    private Problems() {}

    static ErrorResponseException fromEngine(Response r) {
        if (r.outcome() == Response.Outcome.VERSION_ERROR) {
            return problem(HttpStatus.PRECONDITION_FAILED, "Version conflict", r.error());
        }
        return fromEngineText(r.error().strip());
    }

    static ErrorResponseException fromEngineText(String error) {
        return problem(statusFor(error), titleFor(error), error);
    }

    static HttpStatus statusFor(String error) {
        if (error.equals("Invalid token") || error.equals("Not auth") || error.equals("invalid auth")) {
            return HttpStatus.UNAUTHORIZED;
        }
        if (error.contains("permission denied") || error.startsWith("To read security keys")) {
            return HttpStatus.FORBIDDEN;
        }
        if (error.equals("Not a valid database name")) {
            return HttpStatus.NOT_FOUND;
        }
        if (error.equals("database already exists") || error.startsWith("$$conflitct unresolved")) {
            return HttpStatus.CONFLICT;
        }
        if (error.equals(Response.INVALID_VERSION)) {
            return HttpStatus.PRECONDITION_FAILED;
        }
        if (error.startsWith("write not stored")) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        if (error.startsWith("slow consumer")) {
            return HttpStatus.TOO_MANY_REQUESTS;
        }
        return HttpStatus.BAD_REQUEST;
    }

    private static String titleFor(String error) {
        HttpStatus status = statusFor(error);
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
