package io.nundb.cli;

import picocli.CommandLine.Option;

/** {@code --help} on every verb ({@code -h} is taken: --host, and --http-address on start). */
final class HelpOption {

    @Option(names = "--help", usageHelp = true, description = "Show this verb's help.")
    boolean help;
}
