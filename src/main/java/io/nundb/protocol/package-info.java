/** NunDB's text protocol: command parsing into a sealed {@code Command} type and reply formatting. */
package io.nundb.protocol;
