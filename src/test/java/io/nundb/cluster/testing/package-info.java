/** Fault-injecting networks and process clusters for cluster tests: in-memory peer transport, TCP proxy, server processes. */
package io.nundb.cluster.testing;
