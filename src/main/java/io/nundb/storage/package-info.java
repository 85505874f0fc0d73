/** Databases of versioned values in memory, NunDB's version rules, and the journal port to disk. */
package io.nundb.storage;
