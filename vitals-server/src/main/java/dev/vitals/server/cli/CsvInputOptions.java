package dev.vitals.server.cli;

import dev.vitals.server.csv.CsvReader;
import dev.vitals.server.csv.Progress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The CSV input options that {@code vitals eval} and {@code vitals drift} share ({@code @Mixin}): one definition,
 * one description and one check for both.
 */
public final class CsvInputOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int maxColumns = CsvReader.DEFAULT_MAX_COLUMNS;

    @Option(names = "--progress",
            description = "Show a progress bar on stderr even when it is not a terminal (default: on a terminal,"
                    + " for files of " + (Progress.LARGE_FILE >> 20) + " MiB or more).")
    boolean progress;

    /** Refuses a value below 1 as a usage error. */
    @Option(names = "--max-columns", defaultValue = "10000", paramLabel = "N",
            description = "Refuse a file whose header has more columns than this (default: ${DEFAULT-VALUE}).")
    void maxColumns(int n) {
        if (n < 1) {
            throw new ParameterException(mixee.commandLine(), "--max-columns must be at least 1, got " + n);
        }
        maxColumns = n;
    }

    /** The cap on a header's columns. */
    public int maxColumns() {
        return maxColumns;
    }

    /** Whether --progress forces the bar. */
    public boolean progress() {
        return progress;
    }
}
