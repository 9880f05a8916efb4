package org.deeprnn.forecast;

import org.deeprnn.model.FiniteWeights;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Forecasts a real-valued series with a network trained to predict the next value (notebook 4,
 * "Truth and predictions on a test window"), in the series' own units: inputs are standardised with the
 * normaliser's feature statistics and outputs turned back with its label statistics.
 * <ul>
 *   <li>{@link #oneStep}: at every step the prediction of the next value from the true history
 *   (the network reads the whole series once);</li>
 *   <li>{@link #multiStep}: the true history warms up the hidden state through
 *   {@code rnnTimeStep}, then every prediction is fed back as the next input, {@code horizon}
 *   times: the network runs on its own output, as {@code TextGenerator} does with characters.</li>
 * </ul>
 * Several series of one length are forecast together, one per row of the arrays.
 */
public final class NetworkForecaster implements Forecaster {
    private final MultiLayerNetwork net;
    private final NormalizerStandardize normalizer;
    private final DataType dataType;

    /**
     * @param normalizer the one the training data was standardised with, fitted with {@code fitLabel(true)}
     */
    public NetworkForecaster(MultiLayerNetwork net, NormalizerStandardize normalizer) {
        this.net = Objects.requireNonNull(net, "net");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        if (statistic(normalizer::getMean) == null) {
            throw new IllegalArgumentException("The normaliser is not fitted: call fit(trainingIterator) on it first");
        }
        if (!normalizer.isFitLabel() || statistic(normalizer::getLabelMean) == null) {
            throw new IllegalArgumentException("The normaliser must standardise the labels too (fitLabel(true) before fit), "
                    + "so that predictions can be turned back into the series' units");
        }
        long inputs = normalizer.getMean().length();
        if (inputs != 1 || normalizer.getLabelMean().length() != 1) {
            throw new IllegalArgumentException("NetworkForecaster feeds each prediction back as the next input, so the series needs "
                    + "one input and one output per step; the normaliser has " + inputs + " inputs and "
                    + normalizer.getLabelMean().length() + " outputs");
        }
        this.dataType = net.params().dataType();
    }

    @Override
    public double[][] oneStep(double[][] series) {
        INDArray x = features(series);
        FiniteWeights.require(net, "forecast");
        net.rnnClearPreviousState();
        INDArray out = net.output(x, false);
        normalizer.revertLabels(out);
        return rows(out);
    }

    /** Each prediction is fed back through {@code rnnTimeStep} as the next input. */
    @Override
    public double[][] multiStep(double[][] history, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1 step, got " + horizon);
        }
        INDArray x = features(history);
        FiniteWeights.require(net, "forecast");
        int n = history.length;
        double[][] forecast = new double[n][horizon];
        net.rnnClearPreviousState();
        try {
            INDArray out = net.rnnTimeStep(x);
            INDArray next = lastStep(out); // [n, 1], standardised label units
            for (int k = 0; k < horizon; k++) {
                INDArray value = next.dup();
                normalizer.revertLabels(value);
                for (int s = 0; s < n; s++) {
                    forecast[s][k] = value.getDouble(s, 0);
                }
                if (k + 1 < horizon) {
                    INDArray input = value.reshape(n, 1, 1).castTo(dataType);
                    normalizer.transform(input);
                    next = lastStep(net.rnnTimeStep(input));
                }
            }
        } finally {
            net.rnnClearPreviousState();
        }
        return forecast;
    }

    /** ND4J keeps {@code isFit()} protected, and before fitting its getters fail with a NullPointerException. */
    private static INDArray statistic(Supplier<INDArray> getter) {
        try {
            return getter.get();
        } catch (NullPointerException e) {
            return null;
        }
    }

    private static INDArray lastStep(INDArray out) {
        if (out.rank() == 2) {
            return out;
        }
        return out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(out.size(2) - 1)).reshape(out.size(0), out.size(1));
    }

    private INDArray features(double[][] series) {
        int steps = Forecaster.requireSameLength(series);
        INDArray x = Nd4j.create(DataType.DOUBLE, series.length, 1, steps);
        for (int s = 0; s < series.length; s++) {
            for (int t = 0; t < steps; t++) {
                x.putScalar(new long[]{s, 0, t}, series[s][t]);
            }
        }
        INDArray typed = x.castTo(dataType);
        normalizer.transform(typed);
        return typed;
    }

    private static double[][] rows(INDArray out) {
        int n = (int) out.size(0), steps = (int) out.size(2);
        double[][] r = new double[n][steps];
        INDArray d = out.castTo(DataType.DOUBLE);
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < steps; t++) {
                r[s][t] = d.getDouble(s, 0, t);
            }
        }
        return r;
    }
}
