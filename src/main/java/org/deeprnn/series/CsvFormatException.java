package org.deeprnn.series;

import org.deeprnn.io.DataLoadException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A CSV file of sequences is not what the notebook's loader expects (notebook 4, "Appendix:
 * bad input"): a missing value, a wrong number of columns, text where a number belongs, a wrong header.
 * DataVec itself reports such lines as a bare {@code NumberFormatException} or
 * {@code IndexOutOfBoundsException} without saying where; this exception names the file and the
 * line (counted from 1, the header being line 1).
 */
public class CsvFormatException extends DataLoadException {
    private static final long serialVersionUID = 1L;
    private final Path file;
    private final int line;
    private final String problem;

    public CsvFormatException(Path file, int line, String problem) {
        super(where(file, line) + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    static String where(Path file, int line) {
        return Objects.requireNonNull(file, "file").toAbsolutePath().normalize() + ", line " + line;
    }

    /** The file with the problem. */
    public Path file() {
        return file;
    }

    /** The line with the problem, counted from 1 (the header is line 1). */
    public int line() {
        return line;
    }

    /** What is wrong with the line, without the file and line number. */
    public String problem() {
        return problem;
    }
}
