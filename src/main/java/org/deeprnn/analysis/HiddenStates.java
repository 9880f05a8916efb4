package org.deeprnn.analysis;

import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The hidden states of every recurrent layer of a network over a set of sequences, as rows a
 * probe can read (notebook 4, "A look inside"): one row per sequence and time step, one
 * column per hidden unit. The first {@code warmup} steps of each sequence are left out, since the
 * state starts from zero there and has not yet seen enough of the series. Quantities known per
 * step (the regime, the fast component) are turned into rows in the same order by {@link #rows}.
 */
public final class HiddenStates {
    private HiddenStates() {
    }

    /**
     * Runs {@code net} (inference mode, state from zero) over {@code features} [sequences, inputs,
     * steps] and returns, for recurrent layer 1, 2, ..., L in that order, a matrix of
     * {@code sequences * (steps - warmup)} rows: sequence 0's steps first, then sequence 1's, and so on.
     */
    public static List<double[][]> collect(MultiLayerNetwork net, INDArray features, int warmup) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(features, "features");
        if (features.rank() != 3) {
            throw new IllegalArgumentException("features must be [sequences, inputs, steps], got shape "
                    + java.util.Arrays.toString(features.shape()));
        }
        int steps = (int) features.size(2);
        checkWarmup(warmup, steps);
        net.rnnClearPreviousState();
        List<INDArray> activations = net.feedForward(features, false);
        List<double[][]> out = new ArrayList<>();
        for (int l = 0; l < net.getnLayers(); l++) {
            if (!(net.getLayerWiseConfigurations().getConf(l).getLayer() instanceof BaseRecurrentLayer)) {
                continue;
            }
            INDArray h = activations.get(l + 1).castTo(DataType.DOUBLE); // [sequences, units, steps]
            int n = (int) h.size(0), units = (int) h.size(1);
            double[][] rows = new double[n * (steps - warmup)][units];
            int r = 0;
            for (int s = 0; s < n; s++) {
                double[][] seq = h.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).toDoubleMatrix(); // [units, steps]
                for (int t = warmup; t < steps; t++) {
                    for (int u = 0; u < units; u++) {
                        rows[r][u] = seq[u][t];
                    }
                    r++;
                }
            }
            out.add(rows);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("The network has no recurrent layer to look into");
        }
        return out;
    }

    /** A per-step quantity of every sequence as one array in the row order of {@link #collect}. */
    public static double[] rows(List<double[]> perSequence, int warmup) {
        Objects.requireNonNull(perSequence, "perSequence");
        List<Double> out = new ArrayList<>();
        for (double[] seq : perSequence) {
            checkWarmup(warmup, seq.length);
            for (int t = warmup; t < seq.length; t++) {
                out.add(seq[t]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Reference features that need no network: at every step the last {@code lags} values of the
     * input itself (the current one first; zeros before the start), in the row order of {@link #collect}.
     */
    public static double[][] laggedInputs(List<double[]> inputs, int lags, int warmup) {
        if (lags < 1) {
            throw new IllegalArgumentException("lags must be at least 1, got " + lags);
        }
        List<double[]> out = new ArrayList<>();
        for (double[] seq : inputs) {
            checkWarmup(warmup, seq.length);
            for (int t = warmup; t < seq.length; t++) {
                double[] row = new double[lags];
                for (int k = 0; k < lags; k++) {
                    row[k] = t - k >= 0 ? seq[t - k] : 0;
                }
                out.add(row);
            }
        }
        return out.toArray(new double[0][]);
    }

    /** {@link #laggedInputs(List, int, int)} of the single input feature of {@code features} [sequences, 1, steps]. */
    public static double[][] laggedInputs(INDArray features, int lags, int warmup) {
        Objects.requireNonNull(features, "features");
        if (features.rank() != 3 || features.size(1) != 1) {
            throw new IllegalArgumentException("features must be [sequences, 1, steps] (one input per step), got shape "
                    + java.util.Arrays.toString(features.shape()));
        }
        INDArray d = features.castTo(DataType.DOUBLE);
        List<double[]> seqs = new ArrayList<>();
        for (int s = 0; s < d.size(0); s++) {
            seqs.add(d.get(NDArrayIndex.point(s), NDArrayIndex.point(0), NDArrayIndex.all()).toDoubleVector());
        }
        return laggedInputs(seqs, lags, warmup);
    }

    private static void checkWarmup(int warmup, int steps) {
        if (warmup < 0 || warmup >= steps) {
            throw new IllegalArgumentException("warmup must be at least 0 and below the " + steps
                    + " steps of a sequence, got " + warmup);
        }
    }
}
