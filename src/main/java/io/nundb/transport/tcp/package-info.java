/** NunDB's plain-TCP transport: one command per line, replies in command order, bounded outbox per connection. */
package io.nundb.transport.tcp;
