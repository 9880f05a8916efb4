package org.deeprnn.model;

import org.deeprnn.layer.GRU;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeepRnnBuilderTest {
    private static final int HIDDEN = 3;
    private static final int VOCAB = 5;

    static Stream<Arguments> cellsAndDepths() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (int layers = 1; layers <= 3; layers++) {
                cases.add(Arguments.of(cell, layers));
            }
        }
        return cases.stream();
    }

    private static DeepRnnBuilder builder(CellType cell, int layers) {
        return new DeepRnnBuilder().cell(cell).layers(layers).hiddenUnits(HIDDEN).vocabSize(VOCAB).seed(3);
    }

    private static MultiLayerNetwork network(CellType cell, int layers) {
        MultiLayerNetwork net = builder(cell, layers).network();
        return net;
    }

    /*
     * Counted by hand for d = q = 5 inputs and outputs and h = 3 hidden units.
     * A plain RNN layer holds W_xh, W_hh and b_h:
     *   first layer      5*3 + 3*3 + 3 = 15 + 9 + 3 = 27
     *   layers above     3*3 + 3*3 + 3 =  9 + 9 + 3 = 21
     * An LSTM layer holds one such set per gate (input, forget, output, candidate):
     *   first layer      4 * 27 = 108
     *   layers above     4 * 21 =  84
     * The output layer holds W_hq and b_q: 3*5 + 5 = 20.
     * A GRU layer holds one set per reset gate, update gate and candidate state:
     *   first layer      3 * 27 = 81
     *   layers above     3 * 21 = 63
     *   RNN,  L=1: 27 + 20 = 47      L=2: 27 + 21 + 20 = 68       L=3: 27 + 21 + 21 + 20 = 89
     *   LSTM, L=1: 108 + 20 = 128    L=2: 108 + 84 + 20 = 212     L=3: 108 + 84 + 84 + 20 = 296
     *   GRU,  L=1: 81 + 20 = 101     L=2: 81 + 63 + 20 = 164      L=3: 81 + 63 + 63 + 20 = 227
     */
    @ParameterizedTest(name = "{0}, L={1}: {2} parameters")
    @CsvSource({
            "SIMPLE_RNN, 1, 47",
            "SIMPLE_RNN, 2, 68",
            "SIMPLE_RNN, 3, 89",
            "LSTM, 1, 128",
            "LSTM, 2, 212",
            "LSTM, 3, 296",
            "GRU, 1, 101",
            "GRU, 2, 164",
            "GRU, 3, 227"})
    void parameterCountMatchesTheHandCount(CellType cell, int layers, long byHand) {
        MultiLayerNetwork net = network(cell, layers);
        assertEquals(byHand, net.numParams());
        assertEquals(byHand, builder(cell, layers).parameterCount().total());
    }

    @ParameterizedTest(name = "{0}, L={1}")
    @MethodSource("cellsAndDepths")
    void everyLayerHoldsTheParametersOfTheFormula(CellType cell, int layers) {
        MultiLayerNetwork net = network(cell, layers);
        ParameterCount count = builder(cell, layers).parameterCount();
        assertEquals(count.total(), net.numParams());
        assertEquals(layers + 1, net.getnLayers());
        for (int l = 1; l <= layers; l++) {
            assertEquals(count.recurrentLayer(l), net.getLayer(l - 1).numParams(), "recurrent layer " + l);
        }
        assertEquals(count.outputLayer(), net.getLayer(layers).numParams(), "output layer");
    }

    @Test
    void notebook3sLstmHolds824348ParametersInDl4jAnd826396InPyTorch() {
        // d2l's 2-layer LSTM, 256 units, 28 characters
        ParameterCount count = new ParameterCount(CellType.LSTM, 2, 256, 28, 28);
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(256).vocabSize(28).seed(1).network();
        assertEquals(824_348, net.numParams());
        assertEquals(824_348, count.total());
        // PyTorch: nn.LSTM holds 4h(d + h) + 8h per layer (weight_ih, weight_hh, bias_ih, bias_hh), nn.Linear hq + q
        long h = 256;
        long pytorch = (4 * h * (28 + h) + 8 * h) + (4 * h * (h + h) + 8 * h) + (h * 28 + 28);
        assertEquals(826_396, pytorch);
        assertEquals(pytorch, count.pytorchTotal());
        // nn.GRU 3h(d + h) + 6h, nn.RNN h(d + h) + 2h, one layer of 3 units on 5 inputs and outputs
        assertEquals(3 * 3 * (5 + 3) + 6 * 3 + 3 * 5 + 5, new ParameterCount(CellType.GRU, 1, 3, 5, 5).pytorchTotal());
        assertEquals(3 * (5 + 3) + 2 * 3 + 3 * 5 + 5, new ParameterCount(CellType.SIMPLE_RNN, 1, 3, 5, 5).pytorchTotal());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ParameterCount(CellType.GRU, 1, 3, 5, 5, true).pytorchTotal());
        assertTrue(e.getMessage().startsWith("PyTorch's nn.GRU has no layer normalisation"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}, L={1}")
    @MethodSource("cellsAndDepths")
    void layersAreTheChosenCellToppedByASoftmaxOutput(CellType cell, int layers) {
        MultiLayerConfiguration conf = builder(cell, layers).build();
        for (int l = 0; l < layers; l++) {
            Layer layer = conf.getConf(l).getLayer();
            Class<? extends Layer> expected = switch (cell) {
                case LSTM -> LSTM.class;
                case SIMPLE_RNN -> SimpleRnn.class;
                case GRU -> GRU.class;
            };
            assertEquals(expected, layer.getClass(), "layer " + (l + 1));
        }
        assertInstanceOf(RnnOutputLayer.class, conf.getConf(layers).getLayer());
    }

    @ParameterizedTest(name = "{0}, L={1}")
    @MethodSource("cellsAndDepths")
    void outputIsADistributionOverTheVocabularyAtEveryStep(CellType cell, int layers) {
        MultiLayerNetwork net = network(cell, layers);
        int batch = 4;
        int steps = 7;
        INDArray x = Nd4j.zeros(DataType.FLOAT, batch, VOCAB, steps);
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                x.putScalar(new long[]{n, (n + 2L * t) % VOCAB, t}, 1f);
            }
        }
        INDArray y = net.output(x);
        assertArrayEquals(new long[]{batch, VOCAB, steps}, y.shape());
        assertTrue(y.minNumber().doubleValue() >= 0);
        INDArray sums = y.sum(1);
        assertArrayEquals(new long[]{batch, steps}, sums.shape());
        double worst = Transforms.abs(sums.sub(1.0)).maxNumber().doubleValue();
        assertTrue(worst < 1e-5, "sums differ from 1 by up to " + worst);
    }

    @ParameterizedTest(name = "{0}, L={1}")
    @MethodSource("cellsAndDepths")
    void dropoutOnlyOnTheInputsOfLayersTwoToL(CellType cell, int layers) {
        MultiLayerConfiguration conf = builder(cell, layers).dropout(0.3).build();
        assertNull(conf.getConf(0).getLayer().getIDropout(), "the one-hot input of layer 1 is never dropped");
        for (int l = 2; l <= layers; l++) {
            IDropout d = conf.getConf(l - 1).getLayer().getIDropout();
            Dropout dropout = assertInstanceOf(Dropout.class, d, "layer " + l);
            assertEquals(0.7, dropout.getP(), 1e-12, "DL4J keeps a unit with probability 1 - 0.3");
        }
        assertNull(conf.getConf(layers).getLayer().getIDropout(), "the output layer reads the top layer undropped");

        MultiLayerConfiguration none = builder(cell, layers).build();
        for (int i = 0; i <= layers; i++) {
            assertNull(none.getConf(i).getLayer().getIDropout(), "no dropout by default, layer index " + i);
        }
    }

    /*
     * Regression: d = 1 input, q = 1 output, h = 3.
     *   LSTM first layer  4 * (1*3 + 3*3 + 3) = 4 * 15 = 60; layers above 84; output 3*1 + 1 = 4
     *   L=1: 64   L=2: 148   L=3: 232
     */
    @ParameterizedTest(name = "LSTM regression, L={0}: {1} parameters")
    @CsvSource({"1, 64", "2, 148", "3, 232"})
    void regressionModelHasAnIdentityOutputWithMeanSquaredError(int layers, long byHand) {
        DeepRnnBuilder b = new DeepRnnBuilder().layers(layers).hiddenUnits(HIDDEN).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE).seed(3);
        MultiLayerConfiguration conf = b.build();
        RnnOutputLayer out = assertInstanceOf(RnnOutputLayer.class, conf.getConf(layers).getLayer());
        assertInstanceOf(LossMSE.class, out.getLossFn());
        assertInstanceOf(ActivationIdentity.class, out.getActivationFn());
        assertEquals(1, out.getNIn() == HIDDEN ? out.getNOut() : -1);
        assertEquals(1, ((LSTM) conf.getConf(0).getLayer()).getNIn());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(byHand, net.numParams());
        assertEquals(byHand, b.parameterCount().total());

        INDArray x = Nd4j.linspace(-15, 15, 2 * 9).castTo(DataType.FLOAT).reshape(2, 1, 9);
        INDArray y = net.output(x);
        assertArrayEquals(new long[]{2, 1, 9}, y.shape(), "one real value per sequence and step");
        INDArray top = net.feedForward(x, false).get(layers);
        INDArray w = net.getLayer(layers).getParam("W"), bias = net.getLayer(layers).getParam("b");
        for (int t = 0; t < 9; t++) {
            INDArray h = top.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t));
            INDArray expected = h.mmul(w).addRowVector(bias);
            assertEquals(expected.getDouble(1, 0), y.getDouble(1, 0, t), 1e-5, "identity output O_t = H_t W_hq + b_q at step " + t);
        }
    }

    @Test
    void inputAndOutputSizesCanDiffer() {
        MultiLayerConfiguration conf = new DeepRnnBuilder().layers(2).hiddenUnits(HIDDEN).inputSize(4).outputSize(2)
                .output(OutputMode.IDENTITY_MSE).build();
        assertEquals(4, ((LSTM) conf.getConf(0).getLayer()).getNIn());
        assertEquals(2, ((RnnOutputLayer) conf.getConf(2).getLayer()).getNOut());
        assertEquals(new ParameterCount(CellType.LSTM, 2, HIDDEN, 4, 2).total(),
                new DeepRnnBuilder().layers(2).hiddenUnits(HIDDEN).inputSize(4).outputSize(2).parameterCount().total());
        RnnOutputLayer lm = (RnnOutputLayer) builder(CellType.LSTM, 2).build().getConf(2).getLayer();
        assertInstanceOf(LossMCXENT.class, lm.getLossFn(), "a language model by default");
        assertInstanceOf(ActivationSoftmax.class, lm.getActivationFn());
    }

    @Test
    void badSettingsNameTheParameter() {
        assertMessageNames("outputSize", () -> new DeepRnnBuilder().layers(1).hiddenUnits(HIDDEN).inputSize(1).build());
        assertMessageNames("inputSize", () -> new DeepRnnBuilder().layers(1).hiddenUnits(HIDDEN).outputSize(1).build());
        assertMessageNames("output", () -> new DeepRnnBuilder().output(null));
        assertMessageNames("layers", () -> builder(CellType.LSTM, 0).build());
        assertMessageNames("hiddenUnits", () -> builder(CellType.LSTM, 2).hiddenUnits(0).build());
        assertMessageNames("hiddenUnits", () -> builder(CellType.SIMPLE_RNN, 2).hiddenUnits(-4).build());
        assertMessageNames("hiddenUnits", () -> builder(CellType.GRU, 2).hiddenUnits(0).build());
        assertMessageNames("dropout", () -> builder(CellType.GRU, 2).dropout(1.5).build());
        assertMessageNames("cell", () -> new DeepRnnBuilder().cell(null));
        assertMessageNames("vocabSize", () -> new DeepRnnBuilder().layers(2).hiddenUnits(HIDDEN).build());
        assertMessageNames("vocabSize", () -> new DeepRnnBuilder().parameterCount());
        assertMessageNames("dropout", () -> builder(CellType.LSTM, 2).dropout(1.0).build());
        assertMessageNames("dropout", () -> builder(CellType.LSTM, 2).dropout(-0.1).build());
        assertMessageNames("layers", () -> new ParameterCount(CellType.LSTM, 0, HIDDEN, VOCAB, VOCAB));
        assertMessageNames("Layer 4", () -> new ParameterCount(CellType.LSTM, 3, HIDDEN, VOCAB, VOCAB).recurrentLayer(4));
    }

    private static void assertMessageNames(String name, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(name), "message should name " + name + ": " + e.getMessage());
    }
}
