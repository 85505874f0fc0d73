/** Durability tests against real server processes: kill -9, SIGTERM, restart, verify. */
package io.nundb.durability;
