package org.deeprnn.layer;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.fixtures.GradientChecks;
import org.deeprnn.train.CrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.deeprnn.fixtures.LayerNetworks.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The GRU's backpropagation through time is the gradient of the loss: central finite differences
 * over every parameter of a GRU stack, DL4J's own {@code GradientCheckUtil} (stacked with LSTM and
 * SimpleRnn, with masks, in NWC layout), and the gradient with the hidden state carried in from a
 * previous minibatch (truncated BPTT as the trainer drives it). The tests taking {@code layerNorm}
 * run for the plain GRU and for the layer-normalised one.
 */
class GRUGradientTest {
    static final int BATCH = 3, STEPS = 4, CLASSES = 3;

    /** |a - n| / max(|a|, |n|), or 0 when both are below 1e-9 in absolute value. */
    static double relativeError(double analytic, double numeric) {
        double diff = Math.abs(analytic - numeric);
        if (diff < 1e-9) {
            return 0.0;
        }
        return diff / Math.max(Math.abs(analytic), Math.abs(numeric));
    }

    /** A GRU layer, layer-normalised or not. */
    static GRU gru(int nIn, int nOut, boolean layerNorm) {
        return new GRU.Builder().nIn(nIn).nOut(nOut).layerNorm(layerNorm).build();
    }

    static String label(boolean layerNorm) {
        return layerNorm ? "GRU+LN" : "GRU";
    }

    @ParameterizedTest(name = "layerNorm {0}")
    @ValueSource(booleans = {false, true})
    void finiteDifferencesOverEveryParameterOfATwoLayerGru(boolean layerNorm) {
        MultiLayerNetwork net = network(DataType.DOUBLE, 21, CLASSES, gru(3, 4, layerNorm), gru(4, 3, layerNorm));
        randomizeParams(net, 22, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 23, BATCH, 3, STEPS);
        INDArray y = oneHotLabels(24, BATCH, CLASSES, STEPS);
        DataSet ds = new DataSet(x, y);
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        INDArray analytic = net.gradient().gradient().dup();
        assertEquals(net.score(ds), net.score(), 1e-12, "the score of the backprop pass is the loss");

        // DL4J's score is the summed cross-entropy over the sequences' count; its raw gradient is that of the sum
        INDArray params = net.params();
        double eps = 1e-6, maxRel = 0, maxAbs = 0;
        for (long i = 0; i < params.length(); i++) {
            double p = params.getDouble(i);
            params.putScalar(i, p + eps);
            double up = net.score(ds) * BATCH;
            params.putScalar(i, p - eps);
            double down = net.score(ds) * BATCH;
            params.putScalar(i, p);
            double numeric = (up - down) / (2 * eps);
            double a = analytic.getDouble(i);
            maxRel = Math.max(maxRel, relativeError(a, numeric));
            maxAbs = Math.max(maxAbs, Math.abs(a - numeric));
        }
        System.out.printf("%s x2, %d parameters, central differences: max relative error %.3g, max absolute error %.3g%n",
                label(layerNorm), params.length(), maxRel, maxAbs);
        assertTrue(maxRel < 1e-5, "max relative error " + maxRel);
        assertTrue(maxAbs < 1e-8, "max absolute error " + maxAbs);
    }

    /**
     * DL4J's gradient checker on up to {@code perArray} elements of every parameter array (it needs
     * DOUBLE as the global default type, restored afterwards).
     */
    static boolean dl4jCheck(MultiLayerNetwork net, INDArray x, INDArray y, INDArray featureMask, INDArray labelMask, int perArray) {
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                    .inputMask(featureMask).labelMask(labelMask)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).subset(true).maxPerParam(perArray)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
    }

    @Test
    void dl4jGradientCheckOfGruStackedWithLstmAndSimpleRnn() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 31, CLASSES,
                GRUTest.gru(4, 4),
                new LSTM.Builder().nIn(4).nOut(3).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build(),
                new SimpleRnn.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(),
                GRUTest.gru(4, 3));
        randomizeParams(net, 32, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 33, BATCH, 4, STEPS);
        assertTrue(dl4jCheck(net, x, oneHotLabels(34, BATCH, CLASSES, STEPS), null, null, 6));
    }

    /** Dropout on the GRU's input: the backward pass uses the same dropped input as the forward pass. */
    @Test
    void dl4jGradientCheckWithDropoutBetweenGruLayers() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 45, CLASSES, GRUTest.gru(4, 4),
                new GRU.Builder().nIn(4).nOut(3).dropOut(new org.deeplearning4j.nn.conf.dropout.Dropout(0.6)).build());
        randomizeParams(net, 46, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 47, BATCH, 4, STEPS);
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(oneHotLabels(48, BATCH, CLASSES, STEPS))
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).subset(true).maxPerParam(12)
                    .callEachIter(n -> Nd4j.getRandom().setSeed(12345))
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
        INDArray train1 = net.feedForward(x, true).get(2), train2 = net.feedForward(x, true).get(2);
        assertNotEquals(train1, train2, "dropout draws a new mask in training");
        assertEquals(net.feedForward(x, false).get(2), net.feedForward(x, false).get(2), "and none at inference");
    }

    /** Variable-length sequences: the state and output are zero at masked steps, which carry no gradient. */
    @ParameterizedTest(name = "layerNorm {0}")
    @ValueSource(booleans = {false, true})
    void dl4jGradientCheckWithMasks(boolean layerNorm) {
        MultiLayerNetwork net = network(DataType.DOUBLE, 41, CLASSES, gru(4, 4, layerNorm), gru(4, 3, layerNorm));
        randomizeParams(net, 42, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 43, BATCH, 4, STEPS);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        mask.putScalar(new long[]{1, 3}, 0.0);
        mask.putScalar(new long[]{2, 2}, 0.0);
        mask.putScalar(new long[]{2, 3}, 0.0);
        assertTrue(dl4jCheck(net, x, oneHotLabels(44, BATCH, CLASSES, STEPS), mask, mask, 12));

        INDArray h = net.feedForward(x, false).get(1);
        net.setLayerMaskArrays(mask, mask);
        INDArray masked = net.feedForward(x, false).get(1);
        net.clearLayerMaskArrays();
        assertEquals(0.0, masked.getDouble(2, 0, 2), 0.0, "masked steps output zero");
        assertEquals(h.getDouble(0, 1, 3), masked.getDouble(0, 1, 3), 1e-15, "unmasked sequences are unchanged");
    }

    /** [batch, steps, features] layout: the same computation, transposed. */
    @Test
    void nwcLayoutGivesTheTransposedOutputAndPassesTheGradientCheck() {
        GRU ncwLayer = GRUTest.gru(4, 5);
        GRU nwcLayer = new GRU.Builder().nIn(4).nOut(5).dataFormat(RNNFormat.NWC).build();
        MultiLayerNetwork ncw = network(DataType.DOUBLE, 51, CLASSES, ncwLayer);
        MultiLayerNetwork nwc = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(51).dataType(DataType.DOUBLE).updater(new org.nd4j.linalg.learning.config.Sgd(1.0)).list()
                .layer(nwcLayer)
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nIn(5).nOut(CLASSES).dataFormat(RNNFormat.NWC).build())
                .build());
        nwc.init();
        randomizeParams(ncw, 52, 0.8);
        nwc.setParams(ncw.params().dup());
        INDArray x = randomInput(DataType.DOUBLE, 53, BATCH, 4, STEPS);
        INDArray xNwc = x.permute(0, 2, 1).dup();
        double diff = Transforms.abs(ncw.output(x).permute(0, 2, 1).sub(nwc.output(xNwc))).maxNumber().doubleValue();
        assertTrue(diff < 1e-14, "NWC output differs from the transposed NCW output by " + diff);
        INDArray y = oneHotLabels(54, BATCH, CLASSES, STEPS);
        assertTrue(dl4jCheck(nwc, xNwc, y.permute(0, 2, 1).dup(), null, null, 12));
    }


    /**
     * With the state carried across minibatches (truncated BPTT with the stored state, as the
     * trainer's DL4J path runs it), the second batch's gradient is that of its loss with the
     * incoming state held fixed: central differences over every parameter.
     */
    @ParameterizedTest(name = "layerNorm {0}")
    @ValueSource(booleans = {false, true})
    void carriedStateGradientMatchesFiniteDifferences(boolean layerNorm) {
        MultiLayerNetwork net = network(DataType.DOUBLE, 61, CLASSES, gru(4, 4, layerNorm), gru(4, 3, layerNorm));
        MultiLayerNetwork probe = network(DataType.DOUBLE, 61, CLASSES, gru(4, 4, layerNorm), gru(4, 3, layerNorm));
        randomizeParams(net, 62, 0.8);
        probe.setParams(net.params().dup());
        DataSet first = new DataSet(randomInput(DataType.DOUBLE, 63, BATCH, 4, STEPS), oneHotLabels(64, BATCH, CLASSES, STEPS));
        DataSet second = new DataSet(randomInput(DataType.DOUBLE, 65, BATCH, 4, STEPS), oneHotLabels(66, BATCH, CLASSES, STEPS));

        Dl4jBatchGradient engine = new Dl4jBatchGradient();
        engine.prepare(net, true, STEPS);
        engine.compute(net, first);
        double loss = engine.compute(net, second);
        INDArray analytic = net.gradient().gradient().dup();
        engine.finish(net);

        probe.rnnClearPreviousState();
        probe.rnnTimeStep(first.getFeatures());
        Map<Integer, Map<String, INDArray>> state = new HashMap<>();
        for (int l = 0; l < 2; l++) {
            state.put(l, probe.rnnGetPreviousState(l));
        }
        assertEquals(CrossEntropy.fromState(probe, state, second), loss, 1e-10 * loss, "the second batch starts from the first one's state");
        assertNotEquals(CrossEntropy.fromState(probe, Map.of(), second), loss, 1e-6 * loss, "and not from zero");

        // eps 1e-5: at 1e-6 the rounding of the loss (about 1e-15 relative) reaches 1e-5 relative error on the
        // smallest gradients of the layer-normalised stack, whose central differences agree to 1e-6 at 1e-5
        INDArray params = probe.params();
        double eps = 1e-5, maxRel = 0, maxAbs = 0;
        for (long i = 0; i < params.length(); i++) {
            double numeric = GradientChecks.centralDifference(params, i, eps, () -> CrossEntropy.fromState(probe, state, second));
            maxRel = Math.max(maxRel, relativeError(analytic.getDouble(i), numeric));
            maxAbs = Math.max(maxAbs, Math.abs(analytic.getDouble(i) - numeric));
        }
        System.out.printf("%s x2, carried state, %d parameters: max relative error %.3g, max absolute error %.3g%n",
                label(layerNorm), params.length(), maxRel, maxAbs);
        assertTrue(maxAbs < 1e-8, "max absolute error " + maxAbs);
        assertTrue(maxRel < 1e-5, "max relative error " + maxRel);
    }

    /**
     * Truncated to the last k steps, the backward pass gives the layer below the same gradient as the
     * full one at those steps and none before them.
     */
    @ParameterizedTest(name = "layerNorm {0}")
    @ValueSource(booleans = {false, true})
    void truncatedBackwardPassStopsAfterTheLastSteps(boolean layerNorm) {
        int steps = 6, k = 2;
        MultiLayerNetwork net = network(DataType.DOUBLE, 71, CLASSES, gru(4, 5, layerNorm));
        randomizeParams(net, 72, 0.8);
        net.initGradientsView();
        GRULayer layer = (GRULayer) net.getLayer(0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = randomInput(DataType.DOUBLE, 73, BATCH, 4, steps);
        INDArray eps = randomInput(DataType.DOUBLE, 74, BATCH, 5, steps);

        layer.activate(x, true, mgr);
        INDArray full = layer.backpropGradient(eps, mgr).getSecond().dup();
        INDArray fullW = layer.getGradientsViewArray().dup();
        layer.activate(x, true, mgr);
        INDArray truncated = layer.tbpttBackpropGradient(eps, k, mgr).getSecond();
        org.nd4j.linalg.indexing.INDArrayIndex lastK = NDArrayIndex.interval(steps - k, steps), before = NDArrayIndex.interval(0, steps - k);
        assertEquals(full.get(NDArrayIndex.all(), NDArrayIndex.all(), lastK), truncated.get(NDArrayIndex.all(), NDArrayIndex.all(), lastK));
        assertEquals(0.0, truncated.get(NDArrayIndex.all(), NDArrayIndex.all(), before).amaxNumber().doubleValue(), 0.0);
        assertNotEquals(fullW, layer.getGradientsViewArray(), "fewer steps, other weight gradients");
        layer.activate(x, true, mgr);
        layer.tbpttBackpropGradient(eps, steps, mgr);
        assertEquals(fullW, layer.getGradientsViewArray(), "truncation at the sequence length changes nothing");
    }
}
