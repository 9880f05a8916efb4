package org.deeprnn.series;

import org.deeprnn.io.DataLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SequenceCsvTest {
    static final List<String> HEADER = List.of("value", "next");

    @TempDir
    Path tmp;

    @Test
    void writtenRowsReadBackThroughDataVec() {
        double[][] rows = {{0.5, -1.25}, {1e-7, 3.14159265358979}, {-0.0, 42}, {123456.7890123, -2e-3}};
        Path file = tmp.resolve("a").resolve("series_0.csv");
        SequenceCsv.write(file, HEADER, rows);
        assertEquals(rows.length, SequenceCsv.validate(file, HEADER));
        double[][] back = SequenceCsv.read(file, HEADER);
        assertEquals(rows.length, back.length);
        for (int t = 0; t < rows.length; t++) {
            assertArrayEquals(rows[t], back[t], 0.5e-6, "row " + t);
        }
    }

    /**
     * What notebook 4's appendix says of a line with one value too many: DataVec's CSV sequence reader takes it
     * without a word, and the iterator keeps the features of the first line's width, so the extra value is
     * silently dropped; only {@link SequenceCsv#validate} names the line.
     */
    @Test
    void dataVecSilentlyDropsAnExtraValueThatValidateReports() throws Exception {
        Path file = tmp.resolve("three-columns.csv");
        Files.writeString(file, "value,next\n0.5,0.7\n0.7,0.2,0.1\n");
        org.datavec.api.records.reader.SequenceRecordReader reader =
                new org.datavec.api.records.reader.impl.csv.CSVSequenceRecordReader(1, ",");
        reader.initialize(new org.datavec.api.split.FileSplit(file.toFile()));
        org.nd4j.linalg.dataset.DataSet ds =
                new org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator(reader, 1, -1, 1, true).next();
        // one series, one feature, two steps: the value column 0.5, 0.7 and the next column 0.7, 0.2; the 0.1 is gone
        assertArrayEquals(new long[]{1, 1, 2}, ds.getFeatures().shape());
        assertArrayEquals(new double[]{0.5, 0.7}, ds.getFeatures().ravel().toDoubleVector(), 1e-7);
        assertArrayEquals(new double[]{0.7, 0.2}, ds.getLabels().ravel().toDoubleVector(), 1e-7);
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> SequenceCsv.validate(file, HEADER));
        assertTrue(e.getMessage().endsWith("line 3: expected 2 values (value,next), found 3: '0.7,0.2,0.1'"), e.getMessage());
    }

    @Test
    void valuesAreWrittenShortAndPlain() throws IOException {
        Path file = tmp.resolve("s.csv");
        SequenceCsv.write(file, List.of("regime", "slow"), new double[][]{{1, -0.25}, {0, 3.14159265}, {-0.0, 1e-9}, {2e6, 1.0000004}});
        assertEquals("regime,slow\n1,-0.25\n0,3.141593\n0,0\n2000000,1\n", Files.readString(file));
    }

    @Test
    void writingRefusesNonFiniteValuesAndLeavesNothingBehind() throws IOException {
        Path file = tmp.resolve("s.csv");
        SequenceCsv.write(file, HEADER, new double[][]{{1, 2}});
        String before = Files.readString(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceCsv.write(file, HEADER, new double[][]{{1, 2}, {Double.NaN, 3}}));
        assertTrue(e.getMessage().contains("Row 1, column value is NaN"), e.getMessage());
        assertEquals(before, Files.readString(file), "the earlier file is untouched");
        assertThrows(IllegalArgumentException.class, () -> SequenceCsv.write(file, HEADER, new double[][]{{1, 2, 3}}));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no temporary files are left");
        }
    }

    @Test
    void aFailedWriteLeavesNoFile() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("not-a-folder"), "x");
        Path file = blocker.resolve("s.csv");
        DataLoadException e = assertThrows(DataLoadException.class, () -> SequenceCsv.write(file, HEADER, new double[][]{{1, 2}}));
        assertTrue(e.getMessage().contains("s.csv"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing value at the end    | value,next\\n1,2\\n3,\\n4,5\\n           | 3 | column 2 (next) is empty",
            "missing value at the start  | value,next\\n1,2\\n3,4\\n,5\\n          | 4 | column 1 (value) is empty",
            "one value too many          | value,next\\n1,2\\n3,4,5\\n            | 3 | expected 2 values (value,next), found 3",
            "one value too few           | value,next\\n1,2\\n3\\n                | 3 | expected 2 values (value,next), found 1",
            "text instead of a number    | value,next\\n1,2\\n3,4\\n5,abc\\n        | 4 | column 2 (next) holds 'abc', which is not a number",
            "two decimal points          | value,next\\n1.2.3,2\\n               | 2 | column 1 (value) holds '1.2.3', which is not a number",
            "NaN                         | value,next\\n1,NaN\\n                 | 2 | holds 'NaN', which is not a number",
            "Java suffix                 | value,next\\n1d,2\\n                  | 2 | holds '1d', which is not a number",
            "overflow                    | value,next\\n1e999,2\\n               | 2 | too large to be a finite number",
            "empty line inside           | value,next\\n1,2\\n\\n3,4\\n           | 3 | the line is empty",
            "empty line at the end       | value,next\\n1,2\\n\\n                 | 3 | the line is empty",
            "wrong header                | value,target\\n1,2\\n                 | 1 | expected the header 'value,next', found 'value,target'",
            "no header                   | 1,2\\n3,4\\n                          | 1 | expected the header 'value,next'",
            "empty file                  | ''                                     | 1 | the file is empty",
            "header only                 | value,next\\n                         | 1 | has the header 'value,next' but no rows"})
    void badInputNamesTheFileAndTheLine(String what, String content, int line, String problem) throws IOException {
        Path file = tmp.resolve("bad.csv");
        Files.writeString(file, content.strip().replace("\\n", "\n"), StandardCharsets.UTF_8);
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> SequenceCsv.validate(file, HEADER), what);
        assertEquals(line, e.line(), what + ": " + e.getMessage());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath().normalize() + ", line " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), what + ": " + e.getMessage());
        assertThrows(CsvFormatException.class, () -> SequenceCsv.read(file, HEADER), "read checks first: " + what);
    }

    @Test
    void windowsLineEndsBlanksAroundNumbersAndSignsAreFine() throws IOException {
        Path file = tmp.resolve("ok.csv");
        Files.writeString(file, "value,next\r\n 1.5 , -2\r\n+3,.5e1\r\n");
        double[][] rows = SequenceCsv.read(file, HEADER);
        assertArrayEquals(new double[]{1.5, -2}, rows[0], 0);
        assertArrayEquals(new double[]{3, 5}, rows[1], 0);
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = tmp.resolve("nowhere.csv");
        DataLoadException e = assertThrows(DataLoadException.class, () -> SequenceCsv.validate(file, HEADER));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }
}
