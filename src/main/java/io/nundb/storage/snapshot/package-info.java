/** Snapshots of the whole store: written to a temp file, fsynced, renamed atomically, loaded on start. */
package io.nundb.storage.snapshot;
