package org.deeprnn.layer;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.deeprnn.fixtures.LayerNetworks.*;
import static org.deeprnn.layer.RnnEquations.*;
import static org.junit.jupiter.api.Assertions.*;

/** The GRU layer computes the GRU equations, alone and stacked with DL4J's LSTM and SimpleRnn. */
class GRUTest {
    static final int BATCH = 3, STEPS = 6;

    static GRU gru(int nIn, int nOut) {
        return new GRU.Builder().nIn(nIn).nOut(nOut).build();
    }

    static double[][][] referenceGru(MultiLayerNetwork net, int layer, double[][][] x) {
        org.deeplearning4j.nn.api.Layer l = net.getLayer(layer);
        return RnnEquations.gru(x, toArray2(l.getParam("W")), toArray2(l.getParam("RW")), toArray1(l.getParam("b")), null);
    }

    @Test
    void singleLayerForwardMatchesTheEquations() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 1, 4, gru(5, 7));
        randomizeParams(net, 11, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 2, BATCH, 5, STEPS);
        List<INDArray> acts = net.feedForward(x, false);
        double[][][] h = referenceGru(net, 0, toArray3(x));
        double diffH = maxAbsDiff(h, acts.get(1));
        org.deeplearning4j.nn.api.Layer out = net.getLayer(1);
        double[][][] y = softmaxOutput(h, toArray2(out.getParam("W")), toArray1(out.getParam("b")));
        double diffY = maxAbsDiff(y, net.output(x));
        System.out.printf("GRU L=1 vs equations: max |dH| %.3g, max |dY| %.3g%n", diffH, diffY);
        assertArrayEquals(new long[]{BATCH, 7, STEPS}, acts.get(1).shape());
        assertTrue(diffH < 1e-12, "hidden states differ by " + diffH);
        assertTrue(diffY < 1e-12, "outputs differ by " + diffY);
    }

    @Test
    void stackWithLstmAndSimpleRnnMatchesTheEquations() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 3, 4,
                gru(5, 6),
                new LSTM.Builder().nIn(6).nOut(4).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build(),
                new SimpleRnn.Builder().nIn(4).nOut(5).activation(Activation.TANH).build(),
                gru(5, 3));
        randomizeParams(net, 12, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 4, BATCH, 5, STEPS);
        List<INDArray> acts = net.feedForward(x, false);

        double[][][] h1 = referenceGru(net, 0, toArray3(x));
        org.deeplearning4j.nn.api.Layer lstm = net.getLayer(1);
        double[][][] h2 = lstm(h1, toArray2(lstm.getParam("W")), toArray2(lstm.getParam("RW")), toArray1(lstm.getParam("b")));
        org.deeplearning4j.nn.api.Layer rnn = net.getLayer(2);
        double[][][] h3 = simpleRnn(h2, toArray2(rnn.getParam("W")), toArray2(rnn.getParam("RW")), toArray1(rnn.getParam("b")));
        double[][][] h4 = referenceGru(net, 3, h3);
        org.deeplearning4j.nn.api.Layer out = net.getLayer(4);
        double[][][] y = softmaxOutput(h4, toArray2(out.getParam("W")), toArray1(out.getParam("b")));

        double[][][][] expected = {h1, h2, h3, h4, y};
        double worst = 0;
        for (int l = 0; l < expected.length; l++) {
            double d = maxAbsDiff(expected[l], acts.get(l + 1));
            worst = Math.max(worst, d);
            assertTrue(d < 1e-12, "layer " + l + " differs by " + d);
        }
        System.out.printf("GRU+LSTM+SimpleRnn+GRU vs equations: max |diff| over all layers %.3g%n", worst);
    }

    @Test
    void floatNetworkAgreesWithTheEquations() {
        MultiLayerNetwork net = network(DataType.FLOAT, 5, 3, gru(4, 8), gru(8, 8));
        randomizeParams(net, 13, 0.6);
        INDArray x = randomInput(DataType.FLOAT, 6, BATCH, 4, STEPS);
        List<INDArray> acts = net.feedForward(x, false);
        double[][][] h1 = referenceGru(net, 0, toArray3(x));
        double[][][] h2 = referenceGru(net, 1, h1);
        double diff = Math.max(maxAbsDiff(h1, acts.get(1)), maxAbsDiff(h2, acts.get(2)));
        System.out.printf("GRU x2 in FLOAT vs equations in double: max |dH| %.3g%n", diff);
        assertTrue(diff < 1e-5, "FLOAT hidden states differ by " + diff);
    }

    /** Generation feeds one step at a time: the stored state makes that the same as the whole sequence at once. */
    @Test
    void rnnTimeStepStepByStepEqualsTheFullSequence() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 7, 4, gru(5, 6),
                new LSTM.Builder().nIn(6).nOut(4).activation(Activation.TANH).build(), gru(4, 5));
        randomizeParams(net, 14, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 8, BATCH, 5, STEPS);
        INDArray full = net.output(x);
        INDArray lastHidden = step(net.feedForward(x, false).get(3), STEPS - 1);

        net.rnnClearPreviousState();
        double worst = 0;
        for (int t = 0; t < STEPS; t++) {
            INDArray y = net.rnnTimeStep(step(x, t));
            assertArrayEquals(new long[]{BATCH, 4}, y.shape());
            worst = Math.max(worst, Transforms.abs(y.sub(step(full, t))).maxNumber().doubleValue());
        }
        System.out.printf("rnnTimeStep one step at a time vs whole sequence: max |diff| %.3g%n", worst);
        assertTrue(worst < 1e-14, "step-by-step outputs differ by " + worst);
        Map<String, INDArray> state = net.rnnGetPreviousState(2);
        assertEquals(Set.of(GRULayer.STATE_KEY_PREV_ACTIVATION), state.keySet());
        assertEquals(0.0, Transforms.abs(state.get(GRULayer.STATE_KEY_PREV_ACTIVATION).sub(lastHidden)).maxNumber().doubleValue(), 1e-14,
                "the stored state is the top GRU's last hidden state");

        net.rnnClearPreviousState();
        INDArray firstTwo = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2)));
        INDArray rest = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, STEPS)));
        assertEquals(0.0, Transforms.abs(Nd4j.concat(2, firstTwo, rest).sub(full)).maxNumber().doubleValue(), 1e-14,
                "two chunks of steps continue each other");

        net.rnnClearPreviousState();
        assertEquals(0.0, Transforms.abs(net.rnnTimeStep(step(x, 0)).sub(step(full, 0))).maxNumber().doubleValue(), 1e-14,
                "rnnClearPreviousState starts again from zero");
        net.rnnClearPreviousState();
    }

    @Test
    void rnnTimeStepWithOneSequenceAndABadBatchSize() {
        MultiLayerNetwork net = network(DataType.FLOAT, 9, 4, gru(5, 6), gru(6, 6));
        INDArray x = randomInput(DataType.FLOAT, 10, 1, 5, STEPS);
        INDArray full = net.output(x);
        net.rnnClearPreviousState();
        for (int t = 0; t < STEPS; t++) {
            INDArray y = net.rnnTimeStep(step(x, t));
            assertTrue(Transforms.abs(y.sub(step(full, t))).maxNumber().doubleValue() < 1e-6, "step " + t);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> net.rnnTimeStep(step(randomInput(DataType.FLOAT, 11, 2, 5, 1), 0)));
        assertTrue(e.getMessage().contains("rnnClearPreviousState") && e.getMessage().contains("[1, 6]"), e.getMessage());
        net.rnnClearPreviousState();
        assertEquals(2, net.rnnTimeStep(step(randomInput(DataType.FLOAT, 11, 2, 5, 1), 0)).size(0));
    }

    @Test
    void parametersAreLaidOutAsThreeGateBlocks() {
        int n = 20, h = 30;
        MultiLayerNetwork net = network(DataType.DOUBLE, 15, 4, gru(n, h));
        org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
        assertInstanceOf(GRULayer.class, layer);
        assertEquals(3L * (n * h + h * h + h), layer.numParams());
        assertArrayEquals(new long[]{n, 3 * h}, layer.getParam("W").shape());
        assertArrayEquals(new long[]{h, 3 * h}, layer.getParam("RW").shape());
        assertArrayEquals(new long[]{1, 3 * h}, layer.getParam("b").shape());
        assertEquals(0.0, layer.getParam("b").amaxNumber().doubleValue(), 0.0, "biases start at zero");
        // Xavier per gate block: standard deviation sqrt(2 / (fanIn + fanOut))
        for (int k = 0; k < 3; k++) {
            INDArray wBlock = layer.getParam("W").get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h));
            INDArray rwBlock = layer.getParam("RW").get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h));
            assertEquals(Math.sqrt(2.0 / (n + h)), wBlock.stdNumber().doubleValue(), 0.15 * Math.sqrt(2.0 / (n + h)), "W block " + k);
            assertEquals(Math.sqrt(2.0 / (h + h)), rwBlock.stdNumber().doubleValue(), 0.15 * Math.sqrt(2.0 / (h + h)), "RW block " + k);
        }
        // the parameter arrays are views of the network's flat vector, in the order W, RW, b
        net.params().putScalar(0, 42.0);
        assertEquals(42.0, layer.getParam("W").getDouble(0, 0), 0.0);
        net.params().putScalar((long) n * 3 * h, 43.0);
        assertEquals(43.0, layer.getParam("RW").getDouble(0, 0), 0.0);
        net.params().putScalar((long) n * 3 * h + (long) h * 3 * h + 2L * h, 44.0);
        assertEquals(44.0, layer.getParam("b").getDouble(0, 2 * h), 0.0, "b_h follows b_r and b_z");
    }

    @Test
    void badSettingsAreExplained() {
        IllegalArgumentException noUnits = assertThrows(IllegalArgumentException.class, () -> new GRU.Builder().nIn(3).build());
        assertTrue(noUnits.getMessage().contains("nOut"), noUnits.getMessage());
        IllegalArgumentException negativeIn = assertThrows(IllegalArgumentException.class, () -> new GRU.Builder().nIn(-1).nOut(3).build());
        assertTrue(negativeIn.getMessage().contains("nIn"), negativeIn.getMessage());
        IllegalArgumentException relu = assertThrows(IllegalArgumentException.class,
                () -> new GRU.Builder().nIn(3).nOut(3).activation(Activation.RELU).build());
        assertTrue(relu.getMessage().contains("tanh") && relu.getMessage().contains("relu"), relu.getMessage());

        MultiLayerConfiguration noInput = new NeuralNetConfiguration.Builder().list()
                .layer(new GRU.Builder().nOut(3).build())
                .layer(new RnnOutputLayer.Builder().nIn(3).nOut(2).activation(Activation.SOFTMAX).build())
                .build();
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> new MultiLayerNetwork(noInput).init());
        assertTrue(missing.getMessage().contains("nIn") && missing.getMessage().contains("GRU layer 0"), missing.getMessage());

        MultiLayerNetwork net = network(DataType.FLOAT, 16, 2, gru(5, 3));
        IllegalArgumentException wrongInput = assertThrows(IllegalArgumentException.class,
                () -> net.output(Nd4j.zeros(DataType.FLOAT, 2, 4, 7)));
        assertTrue(wrongInput.getMessage().contains("[batch, 5, steps]") && wrongInput.getMessage().contains("[2, 4, 7]"),
                wrongInput.getMessage());
    }

    /** DL4J's own machinery around a layer: input-type inference, summary, memory report, its truncated-BPTT fit. */
    @Test
    void worksWithDl4jsInputTypesSummaryMemoryReportAndTruncatedBptt() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(17).dataType(DataType.DOUBLE)
                .updater(new org.nd4j.linalg.learning.config.Adam(0.05)).list()
                .layer(new GRU.Builder().nOut(6).build())
                .layer(new GRU.Builder().nOut(6).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nOut(3).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(4))
                .backpropType(org.deeplearning4j.nn.conf.BackpropType.TruncatedBPTT).tBPTTLength(3)
                .build();
        assertEquals(4, ((GRU) conf.getConf(0).getLayer()).getNIn(), "nIn from the input type");
        assertEquals(6, ((GRU) conf.getConf(1).getLayer()).getNIn(), "nIn from the layer below");
        assertTrue(conf.getMemoryReport(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(4, 9)).getTotalMemoryBytes(
                2, org.deeplearning4j.nn.conf.memory.MemoryUseMode.TRAINING, org.deeplearning4j.nn.conf.CacheMode.NONE, DataType.DOUBLE) > 0);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertTrue(net.summary().contains("GRU"), net.summary());

        org.nd4j.linalg.dataset.DataSet data = new org.nd4j.linalg.dataset.DataSet(randomInput(DataType.DOUBLE, 18, 2, 4, 9),
                oneHotLabels(19, 2, 3, 9));
        double before = net.score(data);
        for (int i = 0; i < 20; i++) {
            net.fit(data);   // three segments of three steps each, state carried between them
        }
        double after = net.score(data);
        assertTrue(after < 0.7 * before, "DL4J's truncated-BPTT fit lowers the loss: " + before + " -> " + after);
    }

    /**
     * Why the GRU is a hand-written RecurrentLayer: MultiLayerNetwork keeps state (rnnTimeStep,
     * truncated BPTT) only for layers implementing RecurrentLayer, and DL4J's SameDiff layers do not.
     * Should a later DL4J change that, a SameDiff GRU becomes an option.
     */
    @Test
    void onlyRecurrentLayersKeepStateAndSameDiffLayersAreNotOnes() {
        MultiLayerNetwork net = network(DataType.FLOAT, 20, 2, gru(3, 4));
        assertInstanceOf(org.deeplearning4j.nn.api.layers.RecurrentLayer.class, net.getLayer(0));
        assertFalse(org.deeplearning4j.nn.api.layers.RecurrentLayer.class.isAssignableFrom(
                org.deeplearning4j.nn.layers.samediff.SameDiffLayer.class));
    }

    @Test
    void recurrentWeightConstraintsApplyToRwOnly() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 21, 3, new GRU.Builder().nIn(4).nOut(5)
                .constrainRecurrent(new org.deeplearning4j.nn.conf.constraint.MaxNormConstraint(0.5, 1)).build());
        randomizeParams(net, 22, 2.0);
        net.fit(new org.nd4j.linalg.dataset.DataSet(randomInput(DataType.DOUBLE, 23, 2, 4, 3), oneHotLabels(24, 2, 3, 3)));
        org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
        assertTrue(layer.getParam("RW").norm2(1).maxNumber().doubleValue() <= 0.5 + 1e-9, "RW rows are held to norm 0.5");
        assertTrue(layer.getParam("W").norm2(1).maxNumber().doubleValue() > 0.5, "W is not constrained");
        assertEquals(net.getLayerWiseConfigurations(), MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson()));
    }
}
