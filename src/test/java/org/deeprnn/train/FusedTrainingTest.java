package org.deeprnn.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.NetworkReading;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.layer.GRU;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.SequenceIterator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.deeprnn.fixtures.EngineFixtures.obstacleKinds;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The trainer gives the same run with either gradient engine, and FusedRnnGradient refuses, with a
 * reason, the networks it cannot reproduce.
 */
class FusedTrainingTest {

    /** A short repetitive corpus over 6 symbols, with one noisy symbol in ten so the model has something to learn. */
    static int[] corpus(int length) {
        Random r = new Random(1);
        int[] c = new int[length];
        for (int i = 0; i < length; i++) {
            c[i] = r.nextInt(10) == 0 ? r.nextInt(6) : (i * 7 / 3) % 6;
        }
        return c;
    }

    /** Random sampling: every batch starts at random positions, with no state carried over (d2l's random iterator). */
    static final class RandomBatches extends SequenceIterator {
        private static final long serialVersionUID = 1L;
        RandomBatches(int[] corpus, int batch, int steps, long seed) {
            super(corpus, 6, batch, steps, seed, DataType.FLOAT);
        }

        @Override
        protected List<int[]> planEpoch(Random random) {
            int offset = random.nextInt(numSteps);
            List<Integer> starts = new ArrayList<>();
            for (int s = offset; s + numSteps + 1 <= corpus.length; s += numSteps) {
                starts.add(s);
            }
            java.util.Collections.shuffle(starts, random);
            List<int[]> plan = new ArrayList<>();
            for (int i = 0; i + batchSize <= starts.size(); i += batchSize) {
                plan.add(starts.subList(i, i + batchSize).stream().mapToInt(Integer::intValue).toArray());
            }
            return plan;
        }

        @Override
        public boolean carriesStateAcrossBatches() {
            return false;
        }
    }

    static MultiLayerNetwork network(CellType cell, int layers) {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(cell).layers(layers).hiddenUnits(16)
                .vocabSize(6).seed(2024).updater(new Sgd(1.0)).network();
        return net;
    }

    static double[] curve(CellType cell, int layers, java.util.function.Supplier<BatchGradient> engine) {
        MultiLayerNetwork net = network(cell, layers);
        TrainingResult result = Trainer.builder().epochs(4).learningRate(1.0).clipGlobalNorm(1.0).progress(null)
                .batchGradient(engine).build()
                .fit(net, new RandomBatches(corpus(240), 4, 8, 17));
        return result.perplexities();
    }

    @Test
    void sameSeedGivesTheSamePerplexityCurveOnBothPaths() {
        for (CellType cell : CellType.values()) {
            for (int layers : new int[]{1, 2}) {
                double[] dl4j = curve(cell, layers, Dl4jBatchGradient::new);
                double[] fused = curve(cell, layers, FusedRnnGradient::new);
                for (int e = 0; e < dl4j.length; e++) {
                    assertEquals(dl4j[e], fused[e], 1e-4 * dl4j[e], cell + " L=" + layers + " epoch " + (e + 1));
                }
                assertTrue(fused[fused.length - 1] < fused[0], cell + " L=" + layers + ": training lowers the perplexity");
            }
        }
    }

    @Test
    void parametersAfterTrainingAgreeWithinFloatTolerance() {
        MultiLayerNetwork a = network(CellType.LSTM, 2), b = network(CellType.LSTM, 2);
        Trainer.Builder t = Trainer.builder().epochs(2).learningRate(1.0).progress(null);
        t.build().fit(a, new RandomBatches(corpus(240), 4, 8, 17));
        t.batchGradient(FusedRnnGradient::new).build().fit(b, new RandomBatches(corpus(240), 4, 8, 17));
        double diff = Transforms.abs(a.params().sub(b.params())).maxNumber().doubleValue();
        assertTrue(diff < 1e-4, "largest parameter difference after 2 epochs: " + diff);
        // The trained network is an ordinary DL4J network: its own inference sees the fused path's updates.
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 6, 3);
        x.putScalar(new int[]{0, 2, 0}, 1);
        x.putScalar(new int[]{0, 3, 1}, 1);
        x.putScalar(new int[]{0, 4, 2}, 1);
        assertTrue(Transforms.abs(a.output(x).sub(b.output(x))).maxNumber().doubleValue() < 1e-4);
    }

    /** Asserts that the fused engine meets obstacles of kind {@code kind} only, and refuses naming them; returns their details. */
    private static String rejection(MultiLayerNetwork net, Obstacle.Kind kind) {
        List<Obstacle> against = NetworkReading.of(net).obstacles(Engine.FUSED, false);
        assertEquals(Set.of(kind), obstacleKinds(net, Engine.FUSED), against.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FusedRnnGradient().prepare(net, false, 5));
        assertEquals("FusedRnnGradient cannot train this network: " + NetworkReading.join(against)
                + ". EngineChoice.of(net) says which engine can; the Trainer takes it by itself", e.getMessage());
        return NetworkReading.join(against);
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    // deprecation: GravesLSTM is built on purpose, to check that the fused path rejects it
    @SuppressWarnings("deprecation")
    @Test
    void unsupportedNetworksAreRejectedWithTheReason() {
        assertEquals(Set.of(), obstacleKinds(network(CellType.LSTM, 3), Engine.FUSED));
        assertEquals(Set.of(), obstacleKinds(network(CellType.SIMPLE_RNN, 2), Engine.FUSED));
        assertEquals(Set.of(), obstacleKinds(network(CellType.GRU, 2), Engine.FUSED));

        MultiLayerNetwork dropout = init(new DeepRnnBuilder().layers(2).hiddenUnits(8).vocabSize(6).dropout(0.2).build());
        rejection(dropout, Obstacle.Kind.DROPOUT);
        MultiLayerNetwork gruDropout = init(new DeepRnnBuilder().cell(CellType.GRU).layers(2).hiddenUnits(8).vocabSize(6)
                .dropout(0.2).build());
        String gruReason = rejection(gruDropout, Obstacle.Kind.DROPOUT);
        assertTrue(gruReason.contains("layer 1 (GRU)") && gruReason.contains("dropout"), gruReason);

        MultiLayerNetwork gruNwc = init(new NeuralNetConfiguration.Builder().list()
                .layer(new GRU.Builder().nIn(6).nOut(8).dataFormat(RNNFormat.NWC).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(8).nOut(6)
                        .dataFormat(RNNFormat.NCW).build())
                .build());
        String nwcReason = rejection(gruNwc, Obstacle.Kind.STRUCTURE);
        assertTrue(nwcReason.contains("layer 0 (GRU)") && nwcReason.contains("NWC"), nwcReason);

        MultiLayerNetwork gruL2 = init(new NeuralNetConfiguration.Builder().l2(1e-4).list()
                .layer(new GRU.Builder().nIn(6).nOut(8).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(8).nOut(6).build())
                .build());
        rejection(gruL2, Obstacle.Kind.REGULARISATION);

        MultiLayerNetwork relu = init(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(6).nOut(8).activation(Activation.RELU).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(8).nOut(6).build())
                .build());
        assertEquals("layer 0 (LSTM): activation relu; only tanh is supported", rejection(relu, Obstacle.Kind.ACTIVATION));

        MultiLayerNetwork hardSigmoid = init(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(6).nOut(8).activation(Activation.TANH).gateActivationFunction(Activation.HARDSIGMOID).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(8).nOut(6).build())
                .build());
        assertTrue(rejection(hardSigmoid, Obstacle.Kind.ACTIVATION).contains("gate activation"));

        MultiLayerNetwork graves = init(new NeuralNetConfiguration.Builder().list()
                .layer(new GravesLSTM.Builder().nIn(6).nOut(8).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(8).nOut(6).build())
                .build());
        assertTrue(rejection(graves, Obstacle.Kind.STRUCTURE).contains("GravesLSTM"));

        MultiLayerNetwork mse = init(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(6).nOut(8).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).nIn(8).nOut(6).build())
                .build());
        assertEquals(Set.of(), obstacleKinds(mse, Engine.FUSED), "identity with MSE (the regression of notebook 4) is supported");

        MultiLayerNetwork absolute = init(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(6).nOut(8).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.L1).activation(Activation.IDENTITY).nIn(8).nOut(6).build())
                .build());
        rejection(absolute, Obstacle.Kind.LOSS);

        MultiLayerNetwork l2 = init(new NeuralNetConfiguration.Builder().l2(1e-4).list()
                .layer(new LSTM.Builder().nIn(6).nOut(8).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(8).nOut(6).build())
                .build());
        rejection(l2, Obstacle.Kind.REGULARISATION);

        MultiLayerNetwork notInitialised = new MultiLayerNetwork(new DeepRnnBuilder().layers(1).hiddenUnits(4).vocabSize(6).build());
        rejection(notInitialised, Obstacle.Kind.NOT_INITIALISED);
    }

    @Test
    void maskedOrMisshapedBatchesAreRejected() {
        MultiLayerNetwork net = network(CellType.LSTM, 1);
        FusedRnnGradient fused = new FusedRnnGradient();
        fused.prepare(net, false, 4);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 6, 4), y = Nd4j.zeros(DataType.FLOAT, 2, 6, 4);
        DataSet masked = new DataSet(x, y, Nd4j.ones(DataType.FLOAT, 2, 4), Nd4j.ones(DataType.FLOAT, 2, 4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fused.compute(net, masked)).getMessage().contains("mask"));
        DataSet wrongVocab = new DataSet(Nd4j.zeros(DataType.FLOAT, 2, 5, 4), y);
        assertEquals("This network reads batches as features [n, 6, t] and labels [n, 6, t] (DL4J's NCW layout); this batch has "
                + "[2, 5, 4] and [2, 6, 4]", assertThrows(IllegalArgumentException.class, () -> fused.compute(net, wrongVocab)).getMessage());
        MultiLayerNetwork other = network(CellType.LSTM, 1);
        assertThrows(IllegalStateException.class, () -> fused.compute(other, new DataSet(x, y)));
    }

    @Test
    void carriedStateWithAChangedBatchSizeIsAnError() {
        MultiLayerNetwork net = network(CellType.LSTM, 1);
        FusedRnnGradient fused = new FusedRnnGradient();
        fused.prepare(net, true, 4);
        fused.compute(net, new DataSet(Nd4j.zeros(DataType.FLOAT, 2, 6, 4), Nd4j.zeros(DataType.FLOAT, 2, 6, 4)));
        DataSet three = new DataSet(Nd4j.zeros(DataType.FLOAT, 3, 6, 4), Nd4j.zeros(DataType.FLOAT, 3, 6, 4));
        assertTrue(assertThrows(IllegalStateException.class, () -> fused.compute(net, three)).getMessage().contains("resetState"));
        fused.resetState(net);
        fused.compute(net, three); // fine after a reset
    }
}
