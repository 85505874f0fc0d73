/** Micrometer meters of the server: commands, connections, watches, delivery, databases. */
package io.nundb.metrics;
