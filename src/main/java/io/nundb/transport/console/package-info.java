/** The web console: static pages (classpath {@code static/}) at {@code GET /} on the HTTP port, over the REST API. */
package io.nundb.transport.console;
