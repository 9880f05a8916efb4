package org.deeprnn.layer;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;

import static org.deeprnn.fixtures.LayerNetworks.*;
import static org.junit.jupiter.api.Assertions.*;

/** A network with GRU layers survives JSON and ModelSerializer round trips unchanged. */
class GRUStorageTest {
    @TempDir
    Path dir;

    static MultiLayerConfiguration mixedConfiguration() {
        return new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE).updater(new Adam(0.01)).list()
                .layer(new GRU.Builder().nIn(5).nOut(6).name("gru-bottom").build())
                .layer(new LSTM.Builder().nIn(6).nOut(4).activation(Activation.TANH).build())
                .layer(new GRU.Builder().nIn(4).nOut(5).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(5).nOut(3).build())
                .build();
    }

    @Test
    void jsonRoundTripGivesAnEqualConfigurationAndTheSameNetwork() {
        MultiLayerConfiguration conf = mixedConfiguration();
        String json = conf.toJson();
        assertTrue(json.contains("\"@class\" : \"org.deeprnn.layer.GRU\""), "the layer is stored under its class name");
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertInstanceOf(GRU.class, back.getConf(0).getLayer());
        assertEquals("gru-bottom", back.getConf(0).getLayer().getLayerName());
        assertNotEquals(back.getConf(0).getLayer(), back.getConf(1).getLayer());

        MultiLayerNetwork a = new MultiLayerNetwork(conf);
        a.init();
        MultiLayerNetwork b = new MultiLayerNetwork(back);
        b.init(a.params().dup(), false);
        INDArray x = randomInput(DataType.DOUBLE, 1, 2, 5, 4);
        assertEquals(a.output(x), b.output(x));

        MultiLayerConfiguration built = new DeepRnnBuilder().cell(CellType.GRU).layers(2).hiddenUnits(4).vocabSize(6).build();
        assertEquals(built, MultiLayerConfiguration.fromJson(built.toJson()));
        assertEquals(built, MultiLayerConfiguration.fromYaml(built.toYaml()));
    }

    /** Saved after some training (so the updater has state), loaded, and run: the same numbers throughout. */
    @Test
    void modelStoreRoundTripKeepsParametersUpdaterStateAndOutputs() {
        MultiLayerNetwork net = new MultiLayerNetwork(mixedConfiguration());
        net.init();
        DataSet batch = new DataSet(randomInput(DataType.DOUBLE, 2, 2, 5, 4), oneHotLabels(3, 2, 3, 4));
        for (int i = 0; i < 3; i++) {
            net.fit(batch);
        }
        Path file = dir.resolve("gru.zip");
        ModelStore.save(net, file);
        MultiLayerNetwork loaded = ModelStore.load(file);

        assertInstanceOf(GRULayer.class, loaded.getLayer(0));
        assertSameNetwork(net, loaded, randomInput(DataType.DOUBLE, 4, 2, 5, 6), batch);
    }

    /**
     * A loaded network is the saved one: same parameters and updater state, same output for
     * {@code x}, same {@code rnnTimeStep} outputs step by step, and the same parameters after one more
     * training step on {@code batch}.
     */
    static void assertSameNetwork(MultiLayerNetwork net, MultiLayerNetwork loaded, INDArray x, DataSet batch) {
        assertEquals(net.params(), loaded.params());
        assertEquals(net.getUpdater().getStateViewArray(), loaded.getUpdater().getStateViewArray());
        assertEquals(net.output(x), loaded.output(x));
        net.rnnClearPreviousState();
        loaded.rnnClearPreviousState();
        for (int t = 0; t < x.size(2); t++) {
            assertEquals(net.rnnTimeStep(step(x, t)), loaded.rnnTimeStep(step(x, t)), "rnnTimeStep, step " + t);
        }
        net.fit(batch);
        loaded.fit(batch);
        assertEquals(net.params(), loaded.params(), "both continue training identically");
    }
}
