/** The RSocket door for clients: request-response for commands, request-stream for watching. */
package io.nundb.transport.rsocket;
