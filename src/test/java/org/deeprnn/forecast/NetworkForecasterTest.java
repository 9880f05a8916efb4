package org.deeprnn.forecast;

import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NetworkForecasterTest {
    static final int STEPS = 12;

    static double[][] series() {
        double[][] s = new double[3][STEPS];
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < STEPS; t++) {
                s[i][t] = 10 + 4 * Math.sin(0.7 * t + i) + 0.3 * t;
            }
        }
        return s;
    }

    static MultiLayerNetwork network() {
        MultiLayerNetwork net = new DeepRnnBuilder().layers(2).hiddenUnits(6).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE).dataType(DataType.DOUBLE).seed(11).network();
        return net;
    }

    /** A normaliser fitted on the series as a next-value regression data set, as the notebook fits it. */
    static NormalizerStandardize normalizer(double[][] s) {
        INDArray x = Nd4j.create(DataType.DOUBLE, s.length, 1, STEPS - 1), y = Nd4j.create(DataType.DOUBLE, s.length, 1, STEPS - 1);
        for (int i = 0; i < s.length; i++) {
            for (int t = 0; t + 1 < STEPS; t++) {
                x.putScalar(new long[]{i, 0, t}, s[i][t]);
                y.putScalar(new long[]{i, 0, t}, s[i][t + 1] * 2 - 3);
            }
        }
        NormalizerStandardize n = new NormalizerStandardize();
        n.fitLabel(true);
        n.fit(new ListDataSetIterator<>(List.of(new DataSet(x, y))));
        return n;
    }

    @Test
    void oneStepIsTheNetworksOutputInTheSeriesUnits() {
        double[][] s = series();
        MultiLayerNetwork net = network();
        NormalizerStandardize norm = normalizer(s);
        double[][] p = new NetworkForecaster(net, norm).oneStep(s);
        double mean = norm.getMean().getDouble(0), std = norm.getStd().getDouble(0);
        double labelMean = norm.getLabelMean().getDouble(0), labelStd = norm.getLabelStd().getDouble(0);
        INDArray x = Nd4j.create(DataType.DOUBLE, 3, 1, STEPS);
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < STEPS; t++) {
                x.putScalar(new long[]{i, 0, t}, (s[i][t] - mean) / std);
            }
        }
        INDArray out = net.output(x);
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < STEPS; t++) {
                assertEquals(out.getDouble(i, 0, t) * labelStd + labelMean, p[i][t], 1e-9);
            }
        }
    }

    /** Feeding predictions back through rnnTimeStep equals re-reading the history extended by the forecasts. */
    @Test
    void multiStepFeedsEachPredictionBackAsTheNextInput() {
        double[][] s = series();
        NetworkForecaster f = new NetworkForecaster(network(), normalizer(s));
        int horizon = 5;
        double[][] forecast = f.multiStep(s, horizon);
        assertEquals(3, forecast.length);
        assertEquals(horizon, forecast[0].length);
        for (int i = 0; i < 3; i++) {
            double[] extended = Arrays.copyOf(s[i], STEPS + horizon - 1);
            for (int k = 0; k < horizon - 1; k++) {
                extended[STEPS + k] = forecast[i][k];
            }
            double[][] oneStep = f.oneStep(new double[][]{extended});
            for (int k = 0; k < horizon; k++) {
                assertEquals(oneStep[0][STEPS - 1 + k], forecast[i][k], 1e-9, "series " + i + ", " + (k + 1) + " steps ahead");
            }
        }
        assertArrayEquals(forecast[1], f.multiStep(s, horizon)[1], 0.0, "no state is left over between calls");
    }

    @Test
    void badUseIsExplained() {
        double[][] s = series();
        MultiLayerNetwork net = network();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NetworkForecaster(net, new NormalizerStandardize()))
                .getMessage().contains("not fitted"));
        NormalizerStandardize featuresOnly = new NormalizerStandardize();
        featuresOnly.fit(new DataSet(Nd4j.rand(DataType.DOUBLE, 2, 1, 4), Nd4j.rand(DataType.DOUBLE, 2, 1, 4)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NetworkForecaster(net, featuresOnly))
                .getMessage().contains("fitLabel(true)"));
        NetworkForecaster f = new NetworkForecaster(net, normalizer(s));
        assertThrows(IllegalArgumentException.class, () -> f.multiStep(s, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> f.oneStep(new double[][]{{1, 2}, {3}}))
                .getMessage().contains("one length"));
    }
}
