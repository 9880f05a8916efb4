package org.deeprnn.analysis;

import org.deeprnn.series.RegimeSeries;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which layer holds which part of the series (notebook 4, "A look inside"): for every row
 * (a reference such as the raw input, or one layer of one network) and every known quantity (the
 * regime, the slow level, the cycle, the fast component), a {@link LinearProbe} fitted on the
 * training sequences and its R^2 on the test sequences, and the test correlation of the single
 * unit that tracks the quantity best ({@link UnitCorrelation}).
 */
public final class ProbeTable {
    /** The parts of a {@link RegimeSeries} the table probes for, in column order. */
    public static final List<String> PARTS = List.of("regime", "slow", "cycle", "fast");

    private final Map<String, double[]> trainTargets;
    private final Map<String, double[]> testTargets;
    private final double ridge;
    private final Map<String, Map<String, Double>> r2 = new LinkedHashMap<>();
    private final Map<String, Map<String, UnitCorrelation>> units = new LinkedHashMap<>();

    /**
     * @param trainTargets per quantity, its value on every training row (see {@link #parts})
     * @param testTargets  the same on the test rows
     * @param ridge        the probes' penalty (see {@link LinearProbe#fit})
     */
    public ProbeTable(Map<String, double[]> trainTargets, Map<String, double[]> testTargets, double ridge) {
        this.trainTargets = new LinkedHashMap<>(Objects.requireNonNull(trainTargets, "trainTargets"));
        this.testTargets = new LinkedHashMap<>(Objects.requireNonNull(testTargets, "testTargets"));
        if (!this.trainTargets.keySet().equals(this.testTargets.keySet()) || this.trainTargets.isEmpty()) {
            throw new IllegalArgumentException("Training and test targets must name the same, non-empty set of quantities; got "
                    + trainTargets.keySet() + " and " + testTargets.keySet());
        }
        this.ridge = ridge;
    }

    /** The regime (1 bull, 0 bear), slow level, cycle and fast component of every sequence, as rows in {@link HiddenStates}' order. */
    public static Map<String, double[]> parts(List<RegimeSeries> truth, int warmup) {
        Map<String, List<double[]>> perSequence = new LinkedHashMap<>();
        for (String p : PARTS) {
            perSequence.put(p, new ArrayList<>());
        }
        for (RegimeSeries s : truth) {
            perSequence.get("regime").add(Arrays.stream(s.regime()).asDoubleStream().toArray());
            perSequence.get("slow").add(s.slow());
            perSequence.get("cycle").add(s.cycle());
            perSequence.get("fast").add(s.fast());
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        perSequence.forEach((name, seqs) -> out.put(name, HiddenStates.rows(seqs, warmup)));
        return out;
    }

    /** Adds a row probed from the given features (training rows, test rows). */
    public ProbeTable add(String row, double[][] trainFeatures, double[][] testFeatures) {
        Objects.requireNonNull(row, "row");
        if (r2.containsKey(row)) {
            throw new IllegalArgumentException("The table already has a row '" + row + "'");
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, UnitCorrelation> best = new LinkedHashMap<>();
        for (String target : trainTargets.keySet()) {
            LinearProbe probe = LinearProbe.fit(trainFeatures, trainTargets.get(target), ridge);
            scores.put(target, probe.r2(testFeatures, testTargets.get(target)));
            best.put(target, UnitCorrelation.strongest(testFeatures, testTargets.get(target)));
        }
        r2.put(row, scores);
        units.put(row, best);
        return this;
    }

    /**
     * Adds one row per recurrent layer of {@code net}, named "{@code name}, layer l": its hidden states
     * on the training and test features ([sequences, inputs, steps], standardised as in training).
     */
    public ProbeTable addLayers(String name, MultiLayerNetwork net, INDArray trainFeatures, INDArray testFeatures, int warmup) {
        List<double[][]> train = HiddenStates.collect(net, trainFeatures, warmup);
        List<double[][]> test = HiddenStates.collect(net, testFeatures, warmup);
        for (int l = 0; l < train.size(); l++) {
            add(name + ", layer " + (l + 1), train.get(l), test.get(l));
        }
        return this;
    }

    /** The test R^2 of the probe for {@code target} on {@code row}. */
    public double r2(String row, String target) {
        Map<String, Double> scores = r2.get(row);
        if (scores == null || !scores.containsKey(target)) {
            throw new IllegalArgumentException("No probe for '" + target + "' on row '" + row + "'; rows " + r2.keySet()
                    + ", quantities " + trainTargets.keySet());
        }
        return scores.get(target);
    }

    /** The unit of {@code row} that tracks {@code target} best on the test rows. */
    public UnitCorrelation strongestUnit(String row, String target) {
        r2(row, target);
        return units.get(row).get(target);
    }

    public List<String> rows() {
        return new ArrayList<>(r2.keySet());
    }

    /** The table as text: R^2 per quantity, then the strongest single unit's |correlation| per quantity. */
    @Override
    public String toString() {
        int width = Math.max(24, r2.keySet().stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", ""));
        s.append("   linear probe, test R^2");
        s.append(" ".repeat(Math.max(1, 9 * trainTargets.size() - 25 + 3)));
        s.append("   best single unit, |r|\n");
        s.append(String.format(Locale.ROOT, "%-" + width + "s", "features"));
        for (String t : trainTargets.keySet()) {
            s.append(String.format(Locale.ROOT, " %8s", t));
        }
        s.append("   ");
        for (String t : trainTargets.keySet()) {
            s.append(String.format(Locale.ROOT, " %8s", t));
        }
        s.append('\n');
        for (String row : r2.keySet()) {
            s.append(String.format(Locale.ROOT, "%-" + width + "s", row));
            for (String t : trainTargets.keySet()) {
                s.append(String.format(Locale.ROOT, " %8.3f", r2.get(row).get(t)));
            }
            s.append("   ");
            for (String t : trainTargets.keySet()) {
                s.append(String.format(Locale.ROOT, " %8.2f", Math.abs(units.get(row).get(t).correlation())));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
