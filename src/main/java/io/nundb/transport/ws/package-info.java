/** NunDB's WebSocket door: text frames in, one frame per message out, on Reactor Netty. */
package io.nundb.transport.ws;
