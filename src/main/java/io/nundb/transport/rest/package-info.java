/** The JSON REST API under {@code /api/v1} and its server-sent-events watch stream. */
package io.nundb.transport.rest;
