package org.deeprnn.scratch;

import org.deeprnn.check.Require;
import org.deeprnn.scratch.ScratchDeepRnn.LayerWeights;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random weights of an L-layer RNN for both scratch models: every matrix drawn from a normal
 * distribution whose standard deviation may depend on its fan-in and fan-out (d2l's fixed 0.01, or
 * Xavier's), drawn in the order W_xh^(1), W_hh^(1), ..., W_hq from one seeded generator; every bias zero.
 */
final class GaussianWeights {
    /** The standard deviation of a matrix with that fan-in and fan-out. */
    @FunctionalInterface
    interface Sigma {
        double of(int fanIn, int fanOut);
    }

    private GaussianWeights() {
    }

    /** @throws IllegalArgumentException for a size below 1 or a data type that is not floating point */
    static ScratchDeepRnn draw(int inputSize, int hiddenUnits, int numLayers, int outputSize, long seed, DataType dataType,
                               Sigma sigma) {
        Require.atLeastOne("inputSize", inputSize);
        Require.atLeastOne("hiddenUnits", hiddenUnits);
        Require.atLeastOne("numLayers", numLayers);
        Require.atLeastOne("outputSize", outputSize);
        if (dataType == null || !dataType.isFPType()) {
            throw new IllegalArgumentException("The model computes in a floating-point type, got " + dataType);
        }
        Random rng = new Random(seed);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 1; l <= numLayers; l++) {
            int in = l == 1 ? inputSize : hiddenUnits;
            layers.add(new LayerWeights(matrix(rng, in, hiddenUnits, sigma, dataType),
                    matrix(rng, hiddenUnits, hiddenUnits, sigma, dataType), Nd4j.zeros(dataType, 1, hiddenUnits)));
        }
        return new ScratchDeepRnn(layers, matrix(rng, hiddenUnits, outputSize, sigma, dataType), Nd4j.zeros(dataType, 1, outputSize));
    }

    private static INDArray matrix(Random rng, int rows, int cols, Sigma sigma, DataType type) {
        double sd = sigma.of(rows, cols);
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian() * sd;
        }
        return Nd4j.create(values, new long[]{rows, cols}, DataType.DOUBLE).castTo(type);
    }
}
