package org.deeprnn.scratch;

import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.ParameterCount;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

class ScratchDeepRnnTest {
    private static final int VOCAB = 5;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 6;

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (int layers = 1; layers <= 3; layers++) {
                for (boolean oneHot : new boolean[]{true, false}) {
                    cases.add(Arguments.of(type, layers, oneHot));
                }
            }
        }
        return cases.stream();
    }

    private static double tolerance(DataType type) {
        return type == DataType.DOUBLE ? 1e-10 : 1e-5;
    }

    private static MultiLayerNetwork simpleRnn(int layers, DataType type) {
        MultiLayerNetwork net = new DeepRnnBuilder()
                .cell(CellType.SIMPLE_RNN).layers(layers).hiddenUnits(HIDDEN).vocabSize(VOCAB)
                .dataType(type).seed(7 + layers).network();
        // DL4J starts the biases at zero; random biases make the comparison cover the b_h and b_q terms too.
        Random rng = new Random(100 + layers);
        for (int i = 0; i < net.getnLayers(); i++) {
            INDArray b = net.getLayer(i).getParam("b");
            double[] values = new double[(int) b.length()];
            for (int k = 0; k < values.length; k++) {
                values[k] = rng.nextGaussian() * 0.5;
            }
            b.assign(Nd4j.create(values, b.shape(), DataType.DOUBLE).castTo(b.dataType()));
        }
        return net;
    }

    private static INDArray input(boolean oneHot, DataType type, long seed) {
        Random rng = new Random(seed);
        double[] values = new double[BATCH * VOCAB * STEPS];
        for (int n = 0; n < BATCH; n++) {
            for (int t = 0; t < STEPS; t++) {
                int hot = rng.nextInt(VOCAB);
                for (int v = 0; v < VOCAB; v++) {
                    values[(n * VOCAB + v) * STEPS + t] = oneHot ? (v == hot ? 1 : 0) : rng.nextGaussian();
                }
            }
        }
        return Nd4j.create(values, new long[]{BATCH, VOCAB, STEPS}, DataType.DOUBLE).castTo(type);
    }

    /** The same network with an identity output activation: DL4J's own logits O_t. */
    private static INDArray dl4jLogits(MultiLayerNetwork net, INDArray x) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        ((BaseLayer) conf.getConf(conf.getConfs().size() - 1).getLayer()).setActivationFn(new ActivationIdentity());
        MultiLayerNetwork twin = new MultiLayerNetwork(conf);
        twin.init(net.params().dup(), false);
        return twin.output(x);
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape(), "shapes differ");
        return Transforms.abs(a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0}, L={1}, one-hot={2}")
    @MethodSource("networks")
    void reproducesTheDl4jStack(DataType type, int layers, boolean oneHot) {
        MultiLayerNetwork net = simpleRnn(layers, type);
        ScratchDeepRnn scratch = ScratchDeepRnn.fromNetwork(net);
        assertEquals(type, scratch.dataType());
        assertEquals(net.numParams(), scratch.numParams());

        INDArray x = input(oneHot, type, 31L * layers + (oneHot ? 1 : 0));
        ScratchDeepRnn.Output out = scratch.forward(x);

        INDArray expectedProbs = net.output(x);
        double probDiff = maxAbsDiff(ScratchDeepRnn.softmaxOverVocab(out.logits()), expectedProbs);
        double logitDiff = maxAbsDiff(out.logits(), dl4jLogits(net, x));
        double logProbDiff = maxAbsDiff(
                Transforms.log(ScratchDeepRnn.softmaxOverVocab(out.logits()), false), Transforms.log(expectedProbs, true));

        List<INDArray> activations = net.feedForward(x, false);
        double stateDiff = 0;
        for (int l = 1; l <= layers; l++) {
            INDArray last = activations.get(l).get(all(), all(), point(STEPS - 1));
            stateDiff = Math.max(stateDiff, maxAbsDiff(out.finalStates().get(l - 1), last));
        }
        System.out.printf("scratch vs DL4J, %s, L=%d, %s input: max |diff| probabilities %.3e, logits %.3e, "
                        + "log-probabilities %.3e, final states %.3e%n",
                type, layers, oneHot ? "one-hot" : "gaussian", probDiff, logitDiff, logProbDiff, stateDiff);

        double tol = tolerance(type);
        assertTrue(probDiff < tol, "probabilities differ by " + probDiff);
        assertTrue(logitDiff < tol, "logits differ by " + logitDiff);
        assertTrue(logProbDiff < tol, "log-probabilities differ by " + logProbDiff);
        assertTrue(stateDiff < tol, "final hidden states differ by " + stateDiff);
    }

    @Test
    void traceReportsEveryStepAndLayerWithoutChangingTheResult() {
        MultiLayerNetwork net = simpleRnn(2, DataType.DOUBLE);
        ScratchDeepRnn scratch = ScratchDeepRnn.fromNetwork(net);
        INDArray x = input(true, DataType.DOUBLE, 5);
        List<String> lines = new ArrayList<>();
        ScratchDeepRnn.Output traced = scratch.forward(x, lines::add);
        ScratchDeepRnn.Output plain = scratch.forward(x);

        assertEquals(0.0, maxAbsDiff(traced.logits(), plain.logits()));
        // header, per step: H^(0), one line per layer, O_t; footer
        assertEquals(1 + STEPS * (1 + 2 + 1) + 1, lines.size());
        assertTrue(lines.get(0).startsWith("X: [3, 5, 6]"), lines.get(0));
        assertTrue(lines.contains("t=0  H_t^(0) = X_t: [3, 5]"), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(s -> s.startsWith("t=0  H_t^(1)") && s.contains("W_xh^(1) [5, 4]")
                && s.contains("W_hh^(1) [4, 4]") && s.endsWith("-> [3, 4]")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(s -> s.startsWith("t=5  O_t") && s.contains("W_hq [4, 5]")
                && s.endsWith("-> [3, 5]")), String.join("\n", lines));
        assertEquals("O: [3, 5, 6] = [n, q, T], the logits of every step", lines.get(lines.size() - 1));
    }

    @Test
    void rejectsInputsOfTheWrongShapeNamingBothShapes() {
        ScratchDeepRnn scratch = new ScratchDeepRnn(VOCAB, HIDDEN, 2, VOCAB, 1, DataType.FLOAT);
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> scratch.forward(Nd4j.zeros(DataType.FLOAT, 3, 5)));
        assertTrue(rank.getMessage().contains("rank 3") && rank.getMessage().contains("[3, 5]"), rank.getMessage());

        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> scratch.forward(Nd4j.zeros(DataType.FLOAT, 3, 4, 7)));
        assertTrue(width.getMessage().contains("[n, 5, T]") && width.getMessage().contains("[3, 4, 7]"), width.getMessage());

        IllegalArgumentException state = assertThrows(IllegalArgumentException.class,
                () -> scratch.forward(Nd4j.zeros(DataType.FLOAT, 3, 5, 2),
                        List.of(Nd4j.zeros(DataType.FLOAT, 3, 4), Nd4j.zeros(DataType.FLOAT, 2, 4)), null));
        assertTrue(state.getMessage().contains("H_0^(2)") && state.getMessage().contains("[3, 4]")
                && state.getMessage().contains("[2, 4]"), state.getMessage());
    }

    @Test
    void rejectsNetworksThatAreNotASimpleRnnStack() {
        MultiLayerNetwork lstm = new DeepRnnBuilder()
                .cell(CellType.LSTM).layers(2).hiddenUnits(HIDDEN).vocabSize(VOCAB).network();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScratchDeepRnn.fromNetwork(lstm));
        assertTrue(e.getMessage().contains("LSTM") && e.getMessage().contains("SimpleRnn"), e.getMessage());

        MultiLayerNetwork notInitialised = new MultiLayerNetwork(new DeepRnnBuilder()
                .cell(CellType.SIMPLE_RNN).layers(1).hiddenUnits(HIDDEN).vocabSize(VOCAB).build());
        IllegalArgumentException init = assertThrows(IllegalArgumentException.class,
                () -> ScratchDeepRnn.fromNetwork(notInitialised));
        assertTrue(init.getMessage().contains("init()"), init.getMessage());
    }

    @Test
    void givenWeightsMustFitTogether() {
        INDArray wxh1 = Nd4j.zeros(DataType.DOUBLE, 5, 4);
        INDArray whh1 = Nd4j.zeros(DataType.DOUBLE, 4, 4);
        INDArray b1 = Nd4j.zeros(DataType.DOUBLE, 4);
        INDArray wxh2 = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        IllegalArgumentException chain = assertThrows(IllegalArgumentException.class, () -> new ScratchDeepRnn(
                List.of(new ScratchDeepRnn.LayerWeights(wxh1, whh1, b1), new ScratchDeepRnn.LayerWeights(wxh2, whh1, b1)),
                Nd4j.zeros(DataType.DOUBLE, 4, 5), Nd4j.zeros(DataType.DOUBLE, 5)));
        assertTrue(chain.getMessage().contains("W_xh^(2)") && chain.getMessage().contains("[4, 4]")
                && chain.getMessage().contains("[3, 4]"), chain.getMessage());

        IllegalArgumentException output = assertThrows(IllegalArgumentException.class, () -> new ScratchDeepRnn(
                List.of(new ScratchDeepRnn.LayerWeights(wxh1, whh1, b1)),
                Nd4j.zeros(DataType.DOUBLE, 3, 5), Nd4j.zeros(DataType.DOUBLE, 5)));
        assertTrue(output.getMessage().contains("W_hq"), output.getMessage());

        IllegalArgumentException bias = assertThrows(IllegalArgumentException.class, () -> new ScratchDeepRnn(
                List.of(new ScratchDeepRnn.LayerWeights(wxh1, whh1, Nd4j.zeros(DataType.DOUBLE, 3))),
                Nd4j.zeros(DataType.DOUBLE, 4, 5), Nd4j.zeros(DataType.DOUBLE, 5)));
        assertTrue(bias.getMessage().contains("b_h^(1)"), bias.getMessage());

        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> new ScratchDeepRnn(
                List.of(new ScratchDeepRnn.LayerWeights(wxh1.castTo(DataType.FLOAT), whh1, b1)),
                Nd4j.zeros(DataType.DOUBLE, 4, 5), Nd4j.zeros(DataType.DOUBLE, 5)));
        assertTrue(mixed.getMessage().contains("FLOAT"), mixed.getMessage());
    }

    @Test
    void givenWeightsAreCopied() {
        INDArray wxh = Nd4j.ones(DataType.DOUBLE, 2, 3);
        ScratchDeepRnn scratch = new ScratchDeepRnn(
                List.of(new ScratchDeepRnn.LayerWeights(wxh, Nd4j.zeros(DataType.DOUBLE, 3, 3), Nd4j.zeros(DataType.DOUBLE, 1, 3))),
                Nd4j.ones(DataType.DOUBLE, 3, 2), Nd4j.zeros(DataType.DOUBLE, 1, 2));
        wxh.assign(7);
        assertEquals(1.0, scratch.layer(1).wxh().getDouble(0, 0));
    }

    @Test
    void randomInitialisationIsSmallSeededAndCountsLikeTheFormulas() {
        ScratchDeepRnn a = new ScratchDeepRnn(28, 32, 2, 28, 42, DataType.FLOAT);
        ScratchDeepRnn b = new ScratchDeepRnn(28, 32, 2, 28, 42, DataType.FLOAT);
        ScratchDeepRnn c = new ScratchDeepRnn(28, 32, 2, 28, 43, DataType.FLOAT);
        assertEquals(a.layer(2).whh(), b.layer(2).whh());
        assertNotEquals(a.layer(2).whh(), c.layer(2).whh());
        assertArrayEquals(new long[]{28, 32}, a.layer(1).wxh().shape());
        assertArrayEquals(new long[]{32, 32}, a.layer(2).wxh().shape());
        assertArrayEquals(new long[]{1, 32}, a.layer(2).bh().shape());
        assertArrayEquals(new long[]{32, 28}, a.whq().shape());
        assertEquals(0.0, a.layer(1).bh().sumNumber().doubleValue());
        double std = a.layer(2).whh().stdNumber().doubleValue();
        assertTrue(std > 0.008 && std < 0.012, "standard deviation " + std);
        assertEquals(new ParameterCount(CellType.SIMPLE_RNN, 2, 32, 28, 28).total(), a.numParams());

        INDArray probs = a.probabilities(Nd4j.rand(DataType.FLOAT, 2, 28, STEPS));
        assertArrayEquals(new long[]{2, 28, STEPS}, probs.shape());
        INDArray sums = probs.sum(1);
        assertTrue(Transforms.abs(sums.sub(1.0)).maxNumber().doubleValue() < 1e-6, sums.toString());
    }
}
