/** Migration: reads a NunDB data directory and writes it as a snapshot of ours. */
package io.nundb.storage.importer;
