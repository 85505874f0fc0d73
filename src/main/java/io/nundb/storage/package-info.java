/**
 * Databases of versioned values in memory, NunDB's version rules, and the write pipeline: decide,
 * append to the journal (the port to disk), apply through the state machine, notify.
 */
package io.nundb.storage;
