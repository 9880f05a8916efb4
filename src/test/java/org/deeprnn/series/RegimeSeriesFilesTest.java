package org.deeprnn.series;

import org.deeprnn.io.DataLoadException;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.records.reader.impl.csv.CSVSequenceRecordReader;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.deeprnn.series.RegimeSeries.Split;
import org.deeprnn.series.RegimeSeriesFiles.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class RegimeSeriesFilesTest {
    static final RegimeParameters SMALL = RegimeParameters.defaults().withSequences(5, 3, 30);

    @TempDir
    Path data;

    @Test
    void generatedOnFirstUseThenReused() throws IOException {
        RegimeSeriesFiles first = RegimeSeriesFiles.prepare(SMALL, data);
        assertEquals(Status.GENERATED, first.status());
        assertEquals(data.resolve("regime-series"), first.folder());
        assertTrue(Files.isRegularFile(first.folder().resolve("parameters.properties")));
        assertEquals(List.of(data.resolve("regime-series")), children(data), "no temporary folders are left behind");
        assertEquals(5 * 2, children(first.folder().resolve("train")).size());
        assertEquals(3 * 2, children(first.folder().resolve("test")).size());

        long modified = Files.getLastModifiedTime(first.seriesFile(Split.TRAIN, 0)).toMillis();
        RegimeSeriesFiles again = RegimeSeriesFiles.prepare(SMALL, data);
        assertEquals(Status.REUSED, again.status());
        assertEquals(modified, Files.getLastModifiedTime(again.seriesFile(Split.TRAIN, 0)).toMillis());
    }

    @Test
    void filesHoldTheGeneratedSeriesAndTheirParts() {
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        for (Split split : Split.values()) {
            for (int i = 0; i < files.count(split); i++) {
                RegimeSeries generated = RegimeSeries.generate(SMALL, split, i);
                assertArrayEquals(generated.values(), files.values(split, i), 1e-6, split + " " + i);
                RegimeSeries truth = files.truth(split, i);
                assertEquals(SMALL.steps(), truth.length(), "the parts at the input steps");
                int[] regime = generated.regime();
                assertArrayEquals(java.util.Arrays.copyOf(regime, SMALL.steps()), truth.regime());
                assertArrayEquals(java.util.Arrays.copyOf(generated.fast(), SMALL.steps()), truth.fast(), 0.5e-6);
                assertArrayEquals(java.util.Arrays.copyOf(generated.slow(), SMALL.steps()), truth.slow(), 0.5e-6);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> files.seriesFile(Split.TEST, 3));
    }

    /** What the notebook does: DataVec's sequence reader and iterator give features = value, labels = next value. */
    @Test
    void dataVecReadsTheSeriesForRegression() throws Exception {
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        SequenceRecordReader reader = new CSVSequenceRecordReader(1, ",");
        reader.initialize(files.seriesSplit(Split.TRAIN));
        SequenceRecordReaderDataSetIterator it = new SequenceRecordReaderDataSetIterator(reader, 4, -1, 1, true);
        DataSet first = it.next();
        INDArray x = first.getFeatures(), y = first.getLabels();
        assertArrayEquals(new long[]{4, 1, SMALL.steps()}, x.shape());
        assertArrayEquals(new long[]{4, 1, SMALL.steps()}, y.shape());
        assertNull(first.getFeaturesMaskArray(), "all sequences have one length: no masks");
        for (int s = 0; s < 4; s++) {
            double[] v = files.values(Split.TRAIN, s);
            for (int t = 0; t < SMALL.steps(); t++) {
                assertEquals(v[t], x.getDouble(s, 0, t), 1e-6);
                assertEquals(v[t + 1], y.getDouble(s, 0, t), 1e-6);
            }
        }
        assertEquals(1, it.next().getFeatures().size(0), "the fifth sequence comes in a second, smaller minibatch");
        assertFalse(it.hasNext());
    }

    @Test
    void filesMadeWithOtherParametersAreRegenerated() throws IOException {
        RegimeSeriesFiles.prepare(SMALL, data);
        RegimeParameters other = SMALL.withRegime(0.9, 0.8);
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(other, data);
        assertEquals(Status.REGENERATED, files.status());
        assertTrue(files.reason().contains("stayBull: 0.98 -> 0.9") && files.reason().contains("stayBear: 0.96 -> 0.8"), files.reason());
        assertArrayEquals(RegimeSeries.generate(other, Split.TEST, 1).values(), files.values(Split.TEST, 1), 1e-6);
        assertTrue(Files.readString(files.folder().resolve("parameters.properties")).contains("stayBull=0.9\n"));
        assertEquals(List.of(data.resolve("regime-series")), children(data));

        RegimeSeriesFiles fewer = RegimeSeriesFiles.prepare(other.withSequences(2, 1, 30), data);
        assertEquals(Status.REGENERATED, fewer.status());
        assertEquals(2 * 2, children(fewer.folder().resolve("train")).size(), "no files of the old set are left");
    }

    @Test
    void aFolderWithoutItsParametersOrWithAnUnreadableRecordIsRegenerated() throws IOException {
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        Files.delete(files.folder().resolve("parameters.properties"));
        RegimeSeriesFiles again = RegimeSeriesFiles.prepare(SMALL, data);
        assertEquals(Status.REGENERATED, again.status());
        assertTrue(again.reason().contains("no parameters.properties"), again.reason());

        Files.writeString(files.folder().resolve("parameters.properties"), "seed=1\n");
        RegimeSeriesFiles third = RegimeSeriesFiles.prepare(SMALL, data);
        assertEquals(Status.REGENERATED, third.status());
        assertTrue(third.reason().contains("not usable"), third.reason());
    }

    @Test
    void anEditedFileIsNotSilentlyUsed() throws IOException {
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        Path file = files.seriesFile(Split.TEST, 2);
        List<String> lines = Files.readAllLines(file);
        lines.set(7, "0.5,oops");
        Files.write(file, lines);
        DataLoadException e = assertThrows(DataLoadException.class, () -> RegimeSeriesFiles.prepare(SMALL, data));
        assertTrue(e.getMessage().contains(file.toString() + ", line 8: column 2 (next) holds 'oops'"), e.getMessage());
        assertTrue(e.getMessage().contains("delete that folder"), e.getMessage());

        lines.remove(7);
        Files.write(file, lines);
        DataLoadException shorter = assertThrows(DataLoadException.class, () -> RegimeSeriesFiles.prepare(SMALL, data));
        assertTrue(shorter.getMessage().contains("has 29 rows") && shorter.getMessage().contains("30 steps"), shorter.getMessage());
    }

    @Test
    void aNumberCutInTheMiddleIsFoundByItsDigest() throws IOException {
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        Path file = files.seriesFile(Split.TRAIN, 1);
        List<String> lines = Files.readAllLines(file);
        String last = lines.get(lines.size() - 1);
        Files.writeString(file, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n" + last.substring(0, last.length() - 3));
        assertEquals(30, SequenceCsv.validate(file, RegimeSeriesFiles.SERIES_HEADER), "the cut file still has the format");
        DataLoadException e = assertThrows(DataLoadException.class, () -> RegimeSeriesFiles.prepare(SMALL, data));
        assertTrue(e.getMessage().startsWith(file + " is not the file that was generated: its SHA-256 is "), e.getMessage());
        assertTrue(e.getMessage().contains("delete that folder"), e.getMessage());
    }

    @Test
    void aRecordWithoutDigestsIsRegenerated() throws IOException {
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        Path record = files.folder().resolve(RegimeSeriesFiles.PARAMETERS_FILE);
        String text = Files.readString(record);
        assertTrue(text.contains("sha256.train/series_0.csv="), text);
        Files.writeString(record, text.replaceAll("(?m)^sha256\\..*\n", ""));
        RegimeSeriesFiles again = RegimeSeriesFiles.prepare(SMALL, data);
        assertEquals(Status.REGENERATED, again.status());
        assertEquals("parameters.properties records no SHA-256 of train/series_0.csv (written by an older version of the project)",
                again.reason());
        assertEquals(Status.REUSED, RegimeSeriesFiles.prepare(SMALL, data).status());
    }

    @Test
    void leftoversOfAnInterruptedRunDoNotMatter() throws IOException {
        Path leftover = Files.createDirectories(data.resolve(".regime-series-new-123"));
        Files.writeString(leftover.resolve("junk.csv"), "value,next\n1,");
        RegimeSeriesFiles files = RegimeSeriesFiles.prepare(SMALL, data);
        assertEquals(Status.GENERATED, files.status());
        assertEquals(RegimeSeriesFiles.prepare(SMALL, data).status(), Status.REUSED);
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
