package org.deeprnn.series;

import org.deeprnn.io.AtomicFiles;
import org.deeprnn.io.DataLoadException;
import org.datavec.api.records.reader.impl.csv.CSVSequenceRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One sequence per CSV file, the layout DataVec's {@link CSVSequenceRecordReader} reads (notebook 4,
 * "The data", and notebook 4, "Appendix: bad input"): a header line naming the columns, then one line per
 * time step with one number per column, separated by commas.
 * <p>
 * {@link #write} writes a file atomically (temporary file, then rename), so a reader never sees a
 * half-written one. {@link #validate} checks a file line by line before DataVec reads it, because
 * DataVec turns a missing value, a wrong column count or non-numeric text into a bare
 * {@code NumberFormatException} or {@code IndexOutOfBoundsException} that names neither the file
 * nor the line; here every such problem is a {@link CsvFormatException} that names both.
 */
public final class SequenceCsv {
    /** Decimal places written by {@link #write}; values read back differ by at most half a unit of the last place. */
    public static final int DECIMALS = 6;
    /** Plain decimal numbers with an optional exponent: no "NaN", "Infinity", hex or Java suffixes such as "1d". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private SequenceCsv() {
    }

    /**
     * Writes {@code rows} (one array of {@code header.size()} values per time step) under a header
     * line, with {@value #DECIMALS} decimal places and no trailing zeros. Missing parent folders are created.
     */
    public static void write(Path file, List<String> header, double[][] rows) {
        Objects.requireNonNull(file, "file");
        requireHeader(header);
        Objects.requireNonNull(rows, "rows");
        StringBuilder text = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != header.size()) {
                throw new IllegalArgumentException("Row " + r + " has " + (rows[r] == null ? "no" : rows[r].length)
                        + " values but the header names " + header.size() + " columns " + header);
            }
            for (int c = 0; c < rows[r].length; c++) {
                if (!Double.isFinite(rows[r][c])) {
                    throw new IllegalArgumentException("Row " + r + ", column " + header.get(c) + " is " + rows[r][c]
                            + ": only finite numbers can be written");
                }
                if (c > 0) {
                    text.append(',');
                }
                text.append(format(rows[r][c]));
            }
            text.append('\n');
        }
        writeAtomically(file, text.toString());
    }

    /** A value as written: rounded to {@value #DECIMALS} places, without trailing zeros ("1", "-0.25", "3.141593"). */
    static String format(double v) {
        BigDecimal d = BigDecimal.valueOf(v).setScale(DECIMALS, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    private static void writeAtomically(Path file, String text) {
        try {
            AtomicFiles.write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataLoadException("Cannot write " + file.toAbsolutePath().normalize() + ": " + e, e);
        }
    }

    /**
     * Checks that {@code file} is a sequence CSV with exactly this header and at least one row, every
     * row holding {@code header.size()} finite numbers.
     *
     * @return the number of rows (time steps)
     * @throws CsvFormatException naming the file and line: wrong header, empty line, wrong number of
     *                            values, a missing value, text that is not a number, NaN or infinity
     * @throws DataLoadException  when the file is missing, unreadable or not UTF-8
     */
    public static int validate(Path file, List<String> header) {
        Objects.requireNonNull(file, "file");
        requireHeader(header);
        if (!Files.isRegularFile(file)) {
            throw new DataLoadException("The CSV file " + file.toAbsolutePath().normalize() + " does not exist"
                    + (Files.exists(file) ? " as a regular file" : ""));
        }
        String expected = String.join(",", header);
        int rows = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first == null) {
                throw new CsvFormatException(file, 1, "the file is empty; expected the header '" + expected + "' and one line per time step");
            }
            if (!stripBom(first).strip().equals(expected)) {
                throw new CsvFormatException(file, 1, "expected the header '" + expected + "', found '" + first + "'");
            }
            int lineNo = 1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                checkRow(file, lineNo, line, header);
                rows++;
            }
            if (rows == 0) {
                throw new CsvFormatException(file, 1, "the file has the header '" + expected + "' but no rows");
            }
        } catch (CharacterCodingException e) {
            throw new DataLoadException("The CSV file " + file.toAbsolutePath().normalize() + " is not UTF-8 text: " + e, e);
        } catch (IOException e) {
            throw new DataLoadException("Cannot read the CSV file " + file.toAbsolutePath().normalize() + ": " + e, e);
        }
        return rows;
    }

    private static void checkRow(Path file, int lineNo, String line, List<String> header) {
        if (line.isBlank()) {
            throw new CsvFormatException(file, lineNo, "the line is empty; expected " + header.size()
                    + " values (" + String.join(",", header) + ")" + " (DataVec reads an empty line as a missing value)");
        }
        String[] fields = line.split(",", -1);
        if (fields.length != header.size()) {
            throw new CsvFormatException(file, lineNo, "expected " + header.size() + " values (" + String.join(",", header)
                    + "), found " + fields.length + ": '" + line + "'");
        }
        for (int c = 0; c < fields.length; c++) {
            String field = fields[c].strip();
            String column = "column " + (c + 1) + " (" + header.get(c) + ")";
            if (field.isEmpty()) {
                throw new CsvFormatException(file, lineNo, column + " is empty: a value is missing in '" + line + "'");
            }
            if (!NUMBER.matcher(field).matches()) {
                throw new CsvFormatException(file, lineNo, column + " holds '" + field + "', which is not a number");
            }
            if (!Double.isFinite(Double.parseDouble(field))) {
                throw new CsvFormatException(file, lineNo, column + " holds '" + field + "', which is too large to be a finite number");
            }
        }
    }

    /**
     * The rows of a sequence CSV, read by DataVec's {@link CSVSequenceRecordReader} after
     * {@link #validate}: {@code result[t][c]} is column {@code c} at time step {@code t}.
     */
    public static double[][] read(Path file, List<String> header) {
        int rows = validate(file, header);
        CSVSequenceRecordReader reader = new CSVSequenceRecordReader(1, ",");
        try {
            reader.initialize(new FileSplit(file.toFile()));
            List<List<Writable>> sequence = reader.sequenceRecord();
            if (sequence.size() != rows) {
                throw new DataLoadException("DataVec read " + sequence.size() + " rows from " + file.toAbsolutePath().normalize()
                        + " where the check counted " + rows);
            }
            double[][] out = new double[rows][header.size()];
            for (int t = 0; t < rows; t++) {
                List<Writable> step = sequence.get(t);
                for (int c = 0; c < header.size(); c++) {
                    out[t][c] = step.get(c).toDouble();
                }
            }
            return out;
        } catch (IOException e) {
            throw new DataLoadException("Cannot read the CSV file " + file.toAbsolutePath().normalize() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataLoadException("Interrupted while reading " + file.toAbsolutePath().normalize(), e);
        } finally {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only: a failed close loses nothing
            }
        }
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static void requireHeader(List<String> header) {
        Objects.requireNonNull(header, "header");
        if (header.isEmpty()) {
            throw new IllegalArgumentException("The header must name at least one column");
        }
        for (String name : header) {
            if (name == null || name.isBlank() || name.contains(",")) {
                throw new IllegalArgumentException("Column names must be non-blank and free of commas, got " + header);
            }
        }
    }
}
