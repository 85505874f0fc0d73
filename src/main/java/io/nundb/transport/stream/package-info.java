/** Resumable change streams (authentication, current values, missed changes) shared by SSE and RSocket. */
package io.nundb.transport.stream;
