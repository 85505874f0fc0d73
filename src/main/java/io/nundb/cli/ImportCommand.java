package io.nundb.cli;

import io.nundb.storage.importer.NunDbImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Moves a NunDB server's data into a new, empty data directory of ours (offline; server stopped). */
@Command(
        name = "import",
        description = {
            "Import a NunDB data directory into a new data directory (run with the server stopped).",
            "Databases, keys, tokens, users and permissions come along; $admin does not."
        })
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    NunDbCli cli;

    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "NUNDB_DIR",
            description = "NunDB's data directory (its NUN_DBS_DIR).")
    Path from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "DATA_DIR",
            description = "Our data directory (NUN_DBS_DIR); must hold no data yet.")
    Path to;

    @Override
    public Integer call() {
        try {
            NunDbImporter.ImportSummary s = NunDbImporter.importDirectory(from, to);
            cli.out()
                    .printf(
                            "imported %d databases (%s), %d keys (%d deleted keys skipped) into %s%n",
                            s.databases().size(),
                            String.join(", ", s.databases()),
                            s.keys(),
                            s.deletedSkipped(),
                            s.snapshot());
            return NunDbCli.EXIT_OK;
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(NunDbCli.EXIT_SERVER_ERROR, "import failed: " + e.getMessage());
        }
    }
}
