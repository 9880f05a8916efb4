package org.deeprnn.series;

import org.deeprnn.io.AtomicFiles;
import org.deeprnn.io.DataDownloader;
import org.deeprnn.io.DataLoadException;
import org.datavec.api.split.NumberedFileInputSplit;
import org.deeprnn.series.RegimeSeries.Split;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The multi-scale series as CSV files under {@code data/regime-series/}, generated
 * on first use (notebook 4, "The data"). Each split folder ({@code train/}, {@code test/}) holds, for
 * sequence i, {@code series_i.csv} with the columns {@code value,next} (the input at each step and
 * the value one step later, which the network learns to predict: what DataVec's
 * {@code SequenceRecordReaderDataSetIterator} reads), and {@code truth_i.csv} with the hidden parts
 * {@code regime,slow,cycle,fast,noise} at the same steps, for looking inside the trained network.
 * <p>
 * {@code parameters.properties} beside them records the {@link RegimeParameters} and the SHA-256 of
 * every file ({@value #DIGEST_PREFIX}{@code train/series_0.csv=...}). {@link #prepare} reuses the files
 * only when they were made with the same parameters, pass {@link SequenceCsv#validate} and match their
 * digests, so that a file cut in the middle of a number (still a valid number) is refused with its name;
 * files made with other parameters (or without a record or digests) are regenerated, and the returned object says so. A new set is written into a temporary folder and
 * renamed into place when complete, so the folder never holds a half-written set.
 */
public final class RegimeSeriesFiles {
    /** The folder under the data folder. */
    public static final String FOLDER = "regime-series";
    public static final String PARAMETERS_FILE = "parameters.properties";
    /** Key prefix of a file's SHA-256 in {@link #PARAMETERS_FILE}, followed by its path relative to the folder. */
    public static final String DIGEST_PREFIX = "sha256.";
    /** Columns of the {@code series_i.csv} files. */
    public static final List<String> SERIES_HEADER = List.of("value", "next");
    /** Columns of the {@code truth_i.csv} files. */
    public static final List<String> TRUTH_HEADER = List.of("regime", "slow", "cycle", "fast", "noise");

    /** What {@link #prepare} did. */
    public enum Status { GENERATED, REUSED, REGENERATED }

    private final Path folder;
    private final RegimeParameters parameters;
    private final Status status;
    private final String reason;

    private RegimeSeriesFiles(Path folder, RegimeParameters parameters, Status status, String reason) {
        this.folder = folder;
        this.parameters = parameters;
        this.status = status;
        this.reason = reason;
    }

    /** The files for {@code p} in {@code regime-series/} of the project's data folder (see {@link DataDownloader#defaultDataDir}). */
    public static RegimeSeriesFiles prepare(RegimeParameters p) {
        Path dataDir = DataDownloader.defaultDataDir(System.getenv(), Path.of(System.getProperty("user.dir")));
        return prepare(p, dataDir);
    }

    /**
     * The files for {@code p} in {@code dataDir/regime-series/}: reused when they were made with
     * {@code p}, generated or regenerated otherwise.
     *
     * @throws DataLoadException when reused files fail the check (naming the file and line), or the folder cannot be written
     */
    public static RegimeSeriesFiles prepare(RegimeParameters p, Path dataDir) {
        Objects.requireNonNull(p, "parameters");
        Objects.requireNonNull(dataDir, "dataDir");
        Path folder = dataDir.toAbsolutePath().normalize().resolve(FOLDER);
        String stale = staleReason(folder, p);
        if (stale == null) {
            RegimeSeriesFiles files = new RegimeSeriesFiles(folder, p, Status.REUSED, "made with the same parameters");
            files.validateAll();
            files.verifyDigests();
            return files;
        }
        boolean existed = Files.exists(folder);
        generate(p, dataDir.toAbsolutePath().normalize(), folder);
        return new RegimeSeriesFiles(folder, p, existed ? Status.REGENERATED : Status.GENERATED,
                existed ? stale : "no files yet");
    }

    /** Null when {@code folder} holds a set recorded as made from {@code p}; otherwise why it cannot be used. */
    private static String staleReason(Path folder, RegimeParameters p) {
        if (!Files.isDirectory(folder)) {
            return "no folder";
        }
        Path record = folder.resolve(PARAMETERS_FILE);
        if (!Files.isRegularFile(record)) {
            return "the folder had no " + PARAMETERS_FILE;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return PARAMETERS_FILE + " could not be read (" + e.getMessage() + ")";
        }
        RegimeParameters recorded;
        try {
            recorded = RegimeParameters.fromProperties(props);
        } catch (IllegalArgumentException e) {
            return PARAMETERS_FILE + " is not usable: " + e.getMessage();
        }
        List<String> diffs = p.differencesFrom(recorded);
        if (!diffs.isEmpty()) {
            return "the files were made with other parameters (" + String.join(", ", diffs) + ")";
        }
        for (String name : fileNames(p)) {
            if (props.getProperty(DIGEST_PREFIX + name) == null) {
                return PARAMETERS_FILE + " records no SHA-256 of " + name + " (written by an older version of the project)";
            }
        }
        return null;
    }

    /** Every file of a set, relative to its folder, with '/' between folder and name. */
    private static List<String> fileNames(RegimeParameters p) {
        List<String> names = new ArrayList<>();
        for (Split split : Split.values()) {
            int count = split == Split.TRAIN ? p.trainSequences() : p.testSequences();
            for (int i = 0; i < count; i++) {
                names.add(split.folderName() + "/" + seriesName(i));
                names.add(split.folderName() + "/" + truthName(i));
            }
        }
        return names;
    }

    private static String sha256(Path file) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new DataLoadException("Cannot read " + file + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    /** Each file must have the digest the record holds: a change that keeps the format (a cut number) is found here. */
    private void verifyDigests() {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(folder.resolve(PARAMETERS_FILE), StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new DataLoadException("Cannot read " + folder.resolve(PARAMETERS_FILE) + ": " + e, e);
        }
        for (String name : fileNames(parameters)) {
            Path file = folder.resolve(name);
            String found = sha256(file);
            if (!found.equals(props.getProperty(DIGEST_PREFIX + name))) {
                throw new DataLoadException(file + " is not the file that was generated: its SHA-256 is " + found + ", "
                        + PARAMETERS_FILE + " records " + props.getProperty(DIGEST_PREFIX + name) + " (it was edited, cut or "
                        + "replaced since). The files in " + folder + " are generated: delete that folder and run again to "
                        + "generate them afresh.");
            }
        }
    }

    private static void generate(RegimeParameters p, Path dataDir, Path folder) {
        Path tmp = null;
        try {
            Files.createDirectories(dataDir);
            tmp = Files.createTempDirectory(dataDir, "." + FOLDER + "-new-");
            for (Split split : Split.values()) {
                int count = split == Split.TRAIN ? p.trainSequences() : p.testSequences();
                for (int i = 0; i < count; i++) {
                    writeSequence(tmp, split, i, RegimeSeries.generate(p, split, i), p.steps());
                }
            }
            writeParameters(tmp, p);
            replace(dataDir, tmp, folder);
            tmp = null;
        } catch (IOException e) {
            throw new DataLoadException("Cannot write the generated series into " + dataDir + ": " + e, e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void writeSequence(Path root, Split split, int i, RegimeSeries s, int steps) {
        double[] v = s.values();
        int[] regime = s.regime();
        double[] slow = s.slow(), cycle = s.cycle(), fast = s.fast(), noise = s.noise();
        double[][] series = new double[steps][];
        double[][] truth = new double[steps][];
        for (int t = 0; t < steps; t++) {
            series[t] = new double[]{v[t], v[t + 1]};
            truth[t] = new double[]{regime[t], slow[t], cycle[t], fast[t], noise[t]};
        }
        Path dir = root.resolve(split.folderName());
        SequenceCsv.write(dir.resolve(seriesName(i)), SERIES_HEADER, series);
        SequenceCsv.write(dir.resolve(truthName(i)), TRUTH_HEADER, truth);
    }

    private static void writeParameters(Path root, RegimeParameters p) throws IOException {
        Path file = root.resolve(PARAMETERS_FILE);
        StringBuilder text = new StringBuilder("# Parameters the series in this folder were generated with (")
                .append(RegimeParameters.class.getName()).append(").\n")
                .append("# Change them in code, not here: files made with other parameters are regenerated.\n");
        for (Map.Entry<String, String> e : p.toMap().entrySet()) {
            text.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        text.append("# SHA-256 of every file, checked before the files are reused.\n");
        for (String name : fileNames(p)) {
            text.append(DIGEST_PREFIX).append(name).append('=').append(sha256(root.resolve(name))).append('\n');
        }
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    /** Puts the complete new set in place of the old one (if any): old aside, new in, old deleted. */
    private static void replace(Path dataDir, Path fresh, Path folder) throws IOException {
        Path old = null;
        if (Files.exists(folder)) {
            old = Files.createTempDirectory(dataDir, "." + FOLDER + "-old-");
            Files.delete(old);
            AtomicFiles.move(folder, old);
        }
        AtomicFiles.move(fresh, folder);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover hidden folder in data/ does no harm; the next run writes a new one
        }
    }

    private void validateAll() {
        for (Split split : Split.values()) {
            for (int i = 0; i < count(split); i++) {
                for (Path file : List.of(seriesFile(split, i), truthFile(split, i))) {
                    List<String> header = file.getFileName().toString().startsWith("series") ? SERIES_HEADER : TRUTH_HEADER;
                    int rows;
                    try {
                        rows = SequenceCsv.validate(file, header);
                    } catch (DataLoadException e) {
                        throw new DataLoadException(e.getMessage() + ". The files in " + folder + " are generated: delete that "
                                + "folder and run again to generate them afresh.", e);
                    }
                    if (rows != parameters.steps()) {
                        throw new DataLoadException(file + " has " + rows + " rows, but " + PARAMETERS_FILE + " says "
                                + parameters.steps() + " steps. The files in " + folder + " are generated: delete that "
                                + "folder and run again to generate them afresh.");
                    }
                }
            }
        }
    }

    static String seriesName(int i) {
        return "series_" + i + ".csv";
    }

    static String truthName(int i) {
        return "truth_" + i + ".csv";
    }

    /** The folder that holds {@code parameters.properties}, {@code train/} and {@code test/}. */
    public Path folder() {
        return folder;
    }

    public RegimeParameters parameters() {
        return parameters;
    }

    public Status status() {
        return status;
    }

    /** Why the files were generated, regenerated or reused. */
    public String reason() {
        return reason;
    }

    /** Number of sequences in {@code split}. */
    public int count(Split split) {
        return split == Split.TRAIN ? parameters.trainSequences() : parameters.testSequences();
    }

    /** {@code series_i.csv} of {@code split}: columns {@link #SERIES_HEADER}. */
    public Path seriesFile(Split split, int i) {
        return folder.resolve(split.folderName()).resolve(seriesName(checkIndex(split, i)));
    }

    /** {@code truth_i.csv} of {@code split}: columns {@link #TRUTH_HEADER}. */
    public Path truthFile(Split split, int i) {
        return folder.resolve(split.folderName()).resolve(truthName(checkIndex(split, i)));
    }

    /**
     * All {@code series_i.csv} files of {@code split} as the input split DataVec's
     * {@code CSVSequenceRecordReader} is initialised with, in index order.
     */
    public NumberedFileInputSplit seriesSplit(Split split) {
        String pattern = folder.resolve(split.folderName()).resolve("series_%d.csv").toString();
        return new NumberedFileInputSplit(pattern, 0, count(split) - 1);
    }

    /** The hidden parts of sequence {@code i} at its input steps, read back from {@code truth_i.csv}. */
    public RegimeSeries truth(Split split, int i) {
        double[][] rows = SequenceCsv.read(truthFile(split, i), TRUTH_HEADER);
        int n = rows.length;
        int[] regime = new int[n];
        double[] slow = new double[n], cycle = new double[n], fast = new double[n], noise = new double[n];
        for (int t = 0; t < n; t++) {
            regime[t] = (int) Math.round(rows[t][0]);
            slow[t] = rows[t][1];
            cycle[t] = rows[t][2];
            fast[t] = rows[t][3];
            noise[t] = rows[t][4];
        }
        return RegimeSeries.of(regime, slow, cycle, fast, noise);
    }

    /** {@link #truth(Split, int)} of every sequence of {@code split}. */
    public List<RegimeSeries> truth(Split split) {
        List<RegimeSeries> out = new ArrayList<>();
        for (int i = 0; i < count(split); i++) {
            out.add(truth(split, i));
        }
        return out;
    }

    /** The values of sequence {@code i} at its input steps and one step after the last: {@code steps + 1} numbers. */
    public double[] values(Split split, int i) {
        double[][] rows = SequenceCsv.read(seriesFile(split, i), SERIES_HEADER);
        double[] v = new double[rows.length + 1];
        for (int t = 0; t < rows.length; t++) {
            v[t] = rows[t][0];
        }
        v[rows.length] = rows[rows.length - 1][1];
        return v;
    }

    /** {@link #values(Split, int)} of every sequence of {@code split}, one per row. */
    public double[][] values(Split split) {
        double[][] out = new double[count(split)][];
        for (int i = 0; i < out.length; i++) {
            out[i] = values(split, i);
        }
        return out;
    }

    private int checkIndex(Split split, int i) {
        if (i < 0 || i >= count(split)) {
            throw new IndexOutOfBoundsException("The " + split.folderName() + " split has sequences 0 to " + (count(split) - 1)
                    + ", asked for " + i);
        }
        return i;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d train + %d test sequences of %d steps in %s (%s)",
                status.name().toLowerCase(Locale.ROOT), parameters.trainSequences(), parameters.testSequences(),
                parameters.steps(), folder, reason);
    }
}
