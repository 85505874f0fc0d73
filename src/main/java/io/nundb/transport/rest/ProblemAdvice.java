package io.nundb.transport.rest;

import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;

/** Renders the REST API's errors (and Spring's own, such as a bad request body) as RFC 9457 problem details. */
@RestControllerAdvice(basePackageClasses = ProblemAdvice.class)
public class ProblemAdvice extends ResponseEntityExceptionHandler {}
