package org.deeprnn.layer;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.NetworkReading;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.ModelStore;
import org.deeprnn.model.ParameterCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.deeprnn.fixtures.EngineFixtures.obstacleKinds;
import static org.deeprnn.fixtures.LayerNetworks.*;
import static org.deeprnn.layer.RnnEquations.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The layer-normalised GRU ({@code GRU.Builder().layerNorm(true)}): the normalisation by hand, the
 * layer against the equations written out, the plain GRU when the option is off, its parameters,
 * storage, configuration errors and the engines that refuse it. Its gradient is checked in
 * {@link GRUGradientTest}.
 */
class GRULayerNormTest {
    @TempDir
    Path dir;

    static GRU normalised(int nIn, int nOut) {
        return new GRU.Builder().nIn(nIn).nOut(nOut).layerNorm(true).build();
    }

    /** Two gate blocks (rows) of four units: means 2.5 and 3, variances 1.25 and 3. */
    @Test
    void normalisationOfTwoBlocksMatchesTheHandComputedValues() {
        INDArray a = Nd4j.createFromArray(new double[][]{{1, 2, 3, 4}, {2, 2, 2, 6}});
        INDArray scale = Nd4j.create(DataType.DOUBLE, 2, 1);
        GateNorm.normalise(a, scale);
        double s0 = 1 / Math.sqrt(1.25 + 1e-5), s1 = 1 / Math.sqrt(3 + 1e-5);
        double[] expected = {-1.5 * s0, -0.5 * s0, 0.5 * s0, 1.5 * s0, -s1, -s1, -s1, 3 * s1};
        assertArrayEquals(expected, Nd4j.toFlattened('c', a).toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{s0, s1}, scale.reshape(2).toDoubleVector(), 1e-15);

        // LN(a + c) = LN(a): a gradient that is the same for every unit of a block reaches no input
        INDArray dA = Nd4j.create(DataType.DOUBLE, 2, 4);
        GateNorm.backward(Nd4j.createFromArray(new double[][]{{1, 1, 1, 1}, {-2, -2, -2, -2}}), a, scale, dA);
        assertEquals(0.0, dA.amaxNumber().doubleValue(), 1e-15);
        // and one along the first unit: s (e_1 - 1/h - LN_1 LN / h)
        GateNorm.backward(Nd4j.createFromArray(new double[][]{{1, 0, 0, 0}, {0, 0, 0, 0}}), a, scale, dA);
        for (int j = 0; j < 4; j++) {
            double hand = s0 * ((j == 0 ? 1 : 0) - 0.25 - expected[0] * expected[j] / 4);
            assertEquals(hand, dA.getDouble(0, j), 1e-15, "unit " + j);
        }
    }

    /**
     * One input, two units, one step from zero: H_1 = (1 - Z) H~ with Z = sigmoid(LN(x W_xz)) and
     * H~ = tanh(g_xh LN(x W_xh) + b_h); the recurrent products are zero and so are their normalisations.
     */
    @Test
    void oneStepOfATwoUnitLayerMatchesTheHandComputedValue() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 1, 2, normalised(1, 2));
        Layer l = net.getLayer(0);
        l.getParam("W").assign(Nd4j.createFromArray(new double[][]{{0, 0, 0, 2, 1, 5}}));
        l.getParam("RW").assign(7.0);
        l.getParam("b").assign(Nd4j.createFromArray(new double[][]{{0, 0, 0, 0, 0.1, -0.1}}));
        l.getParam("gW").assign(Nd4j.createFromArray(new double[][]{{1, 1, 1, 1, 2, 0.5}}));
        INDArray h = net.feedForward(Nd4j.ones(DataType.DOUBLE, 1, 1, 1), false).get(1);
        double z0 = sigmoid(-1 / Math.sqrt(1 + 1e-5)), z1 = sigmoid(1 / Math.sqrt(1 + 1e-5));
        double c0 = Math.tanh(2 * -2 / Math.sqrt(4 + 1e-5) + 0.1), c1 = Math.tanh(0.5 * 2 / Math.sqrt(4 + 1e-5) - 0.1);
        assertEquals((1 - z0) * c0, h.getDouble(0, 0, 0), 1e-15);
        assertEquals((1 - z1) * c1, h.getDouble(0, 1, 0), 1e-15);
    }

    static double[][][] reference(MultiLayerNetwork net, double[][][] x, double[][] h0) {
        Layer l = net.getLayer(0);
        return RnnEquations.gru(x, toArray2(l.getParam("W")), toArray2(l.getParam("RW")), toArray1(l.getParam("b")),
                toArray1(l.getParam("gW")), toArray1(l.getParam("gRW")), h0);
    }

    /** Random weights and gains: the whole sequence, step by step with rnnTimeStep, and continued from a stored state. */
    @Test
    void layerMatchesTheEquationsAlsoStepByStepAndFromAStoredState() {
        MultiLayerNetwork net = network(DataType.DOUBLE, 2, 4, normalised(5, 6));
        randomizeParams(net, 3, 0.8);
        INDArray x = randomInput(DataType.DOUBLE, 4, 3, 5, 6);
        double[][][] expected = reference(net, toArray3(x), null);
        INDArray whole = net.feedForward(x, false).get(1);
        double diff = maxAbsDiff(expected, whole);
        assertTrue(diff < 1e-12, "the layer differs from the equations by " + diff);

        net.rnnClearPreviousState();
        for (int t = 0; t < 6; t++) {
            INDArray stepped = whole.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
            net.rnnTimeStep(step(x, t));
            INDArray state = net.rnnGetPreviousState(0).get(GRULayer.STATE_KEY_PREV_ACTIVATION);
            assertEquals(0.0, state.sub(stepped.reshape(3, 6)).amaxNumber().doubleValue(), 1e-12, "rnnTimeStep, step " + t);
        }
        double[][] h0 = toArray2(net.rnnGetPreviousState(0).get(GRULayer.STATE_KEY_PREV_ACTIVATION));
        INDArray more = randomInput(DataType.DOUBLE, 5, 3, 5, 4);
        net.rnnTimeStep(more);
        double[][][] continued = reference(net, toArray3(more), h0);
        double[][] last = toArray2(net.rnnGetPreviousState(0).get(GRULayer.STATE_KEY_PREV_ACTIVATION));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(continued[i][j][3], last[i][j], 1e-12);
            }
        }
    }

    @Test
    void withLayerNormOffTheLayerIsThePlainGru() {
        GRU off = new GRU.Builder().nIn(5).nOut(6).layerNorm(false).build();
        assertEquals(GRUTest.gru(5, 6), off);
        assertNotEquals(GRUTest.gru(5, 6), normalised(5, 6));
        assertFalse(off.isLayerNorm());

        MultiLayerNetwork plain = network(DataType.DOUBLE, 7, 4, GRUTest.gru(5, 6));
        MultiLayerNetwork offNet = network(DataType.DOUBLE, 7, 4, off);
        MultiLayerNetwork on = network(DataType.DOUBLE, 7, 4, normalised(5, 6));
        INDArray x = randomInput(DataType.DOUBLE, 8, 3, 5, 6);
        assertEquals(plain.params(), offNet.params());
        assertEquals(plain.output(x), offNet.output(x));
        assertEquals(List.of("W", "RW", "b"), offNet.getLayer(0).conf().variables());

        // the same seed draws the same weights; the gains start at 1; the normalisation changes the output
        assertEquals(List.of("W", "RW", "b", "gW", "gRW"), on.getLayer(0).conf().variables());
        for (String key : List.of("W", "RW", "b")) {
            assertEquals(plain.getLayer(0).getParam(key), on.getLayer(0).getParam(key), key);
        }
        assertEquals(Nd4j.ones(DataType.DOUBLE, 1, 18), on.getLayer(0).getParam("gW"));
        assertEquals(Nd4j.ones(DataType.DOUBLE, 1, 18), on.getLayer(0).getParam("gRW"));
        assertEquals(plain.numParams() + 2 * 3 * 6, on.numParams());
        assertNotEquals(plain.output(x), on.output(x));

        // a configuration saved before the option existed has no layerNorm field and loads as the plain GRU
        String json = plain.getLayerWiseConfigurations().toJson();
        assertTrue(json.contains("\"layerNorm\" : false"), "the option is stored");
        String before = json.replaceAll("\"layerNorm\" : false,\\s*", "");
        assertFalse(before.contains("layerNorm"));
        assertEquals(plain.getLayerWiseConfigurations(), MultiLayerConfiguration.fromJson(before));
    }

    @Test
    void parameterCountIncludesTheGains() {
        DeepRnnBuilder builder = new DeepRnnBuilder().cell(CellType.GRU).layers(3).hiddenUnits(8).vocabSize(5).layerNorm(true);
        ParameterCount count = builder.parameterCount();
        assertTrue(count.layerNorm());
        assertEquals(builder.network().numParams(), count.total());
        assertEquals(3 * (5 * 8 + 8 * 8 + 8) + 6 * 8, count.recurrentLayer(1));
        ParameterCount plain = new ParameterCount(CellType.GRU, 3, 8, 5, 5);
        assertEquals(3 * 6 * 8, count.total() - plain.total());
    }

    /** Saved after some training with Adam (updater state for the gains too), loaded, run and trained further. */
    @Test
    void modelStoreRoundTripKeepsTheLayerNormalisedNetwork() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.GRU).layers(2).hiddenUnits(6).vocabSize(5).layerNorm(true)
                .dataType(DataType.DOUBLE).updater(new Adam(0.01)).seed(9).network();
        DataSet batch = new DataSet(randomInput(DataType.DOUBLE, 10, 2, 5, 4), oneHotLabels(11, 2, 5, 4));
        for (int i = 0; i < 3; i++) {
            net.fit(batch);
        }
        assertNotEquals(Nd4j.ones(DataType.DOUBLE, 1, 18), net.getLayer(1).getParam("gRW"), "training moved the gains");
        Path file = dir.resolve("gru-ln.zip");
        ModelStore.save(net, file);
        MultiLayerNetwork loaded = ModelStore.load(file);

        assertTrue(((GRU) loaded.getLayerWiseConfigurations().getConf(0).getLayer()).isLayerNorm());
        assertEquals(net.paramTable().keySet(), loaded.paramTable().keySet());
        assertTrue(loaded.paramTable().containsKey("1_gW"), loaded.paramTable().keySet().toString());
        GRUStorageTest.assertSameNetwork(net, loaded, randomInput(DataType.DOUBLE, 12, 2, 5, 6), batch);
    }

    @Test
    void badConfigurationsFailWithAClearMessage() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new GRU.Builder().nIn(3).nOut(1).layerNorm(true).name("tiny").build());
        assertTrue(one.getMessage().contains("\"tiny\"") && one.getMessage().contains("layer normalisation needs nOut")
                && one.getMessage().contains("at least 2"), one.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new GRU.Builder().nIn(3).nOut(0).layerNorm(true).build());
        assertTrue(zero.getMessage().contains("nOut"), zero.getMessage());

        IllegalArgumentException lstm = assertThrows(IllegalArgumentException.class,
                () -> new DeepRnnBuilder().cell(CellType.LSTM).vocabSize(5).layerNorm(true).build());
        assertTrue(lstm.getMessage().contains("cell(CellType.GRU)") && lstm.getMessage().contains("LSTM"), lstm.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).vocabSize(5).layerNorm(true).parameterCount());
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> new DeepRnnBuilder().cell(CellType.GRU).hiddenUnits(1).vocabSize(5).layerNorm(true).network());
        assertTrue(narrow.getMessage().contains("hiddenUnits of at least 2"), narrow.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> new ParameterCount(CellType.LSTM, 2, 8, 5, 5, true));
        assertTrue(count.getMessage().contains("layerNorm"), count.getMessage());
    }

    /** The fused engine (and so the oneDNN engine, which trains only what the fused one does) refuses the layer, saying why. */
    @Test
    void fusedAndOneDnnEnginesRefuseLayerNormalisation() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.GRU).layers(2).hiddenUnits(4).vocabSize(5).layerNorm(true).network();
        assertEquals(Set.of(Obstacle.Kind.LAYER_NORM), obstacleKinds(net, Engine.FUSED));
        assertEquals(Set.of(Obstacle.Kind.LAYER_NORM), obstacleKinds(net, Engine.ONEDNN));
        assertEquals("layer 0 (GRU): layer normalisation is not supported (DL4J's engine trains the layer-normalised GRU)",
                NetworkReading.of(net).obstacles(Engine.FUSED, false).get(0).detail());
        assertEquals(Engine.DL4J, EngineChoice.of(net).chosen());
        assertEquals(Set.of(), obstacleKinds(new DeepRnnBuilder().cell(CellType.GRU).layers(2).hiddenUnits(4).vocabSize(5).network(),
                Engine.FUSED), "the plain GRU stays on the fast engines");
    }
}
