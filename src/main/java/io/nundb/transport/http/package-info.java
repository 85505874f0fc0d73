/** NunDB's HTTP command endpoint: {@code POST /} with commands in the body, one session per request. */
package io.nundb.transport.http;
