/** The {@code nun-db} command line: NunDB's verbs (exec, create-db, start) plus shell, watch and health. */
package io.nundb.cli;
