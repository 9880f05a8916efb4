package org.deeprnn.engine.onednn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.layer.GRU;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The oneDNN engine computes what the fused engine computes: the summed loss and every element of the
 * raw gradient, for each cell, 1 to 3 layers and mixes, from zero and with the state carried across batches.
 */
class OneDnnGradientTest {
    static final int VOCAB = 7, BATCH = 4, STEPS = 5;
    static final double FLOAT_TOLERANCE = 2e-5;

    @BeforeAll
    static void needsOneDnn() {
        assumeTrue(OneDnnGradient.available(), "needs oneDNN's natives and ND4J's CPU backend: " + OneDnnGradient.unavailableReason());
    }

    /** A language model whose recurrent layers are {@code cells} from the bottom up, e.g. "GRU LSTM". */
    static MultiLayerNetwork stack(String cells, int hidden, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new Sgd(0.5)).list();
        int in = VOCAB;
        for (String cell : cells.trim().split("\\s+")) {
            list.layer(switch (cell) {
                case "LSTM" -> new LSTM.Builder().activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                        .nIn(in).nOut(hidden).build();
                case "RNN" -> new SimpleRnn.Builder().activation(Activation.TANH).nIn(in).nOut(hidden).build();
                case "GRU" -> new GRU.Builder().nIn(in).nOut(hidden).build();
                default -> throw new IllegalArgumentException("unknown cell " + cell);
            });
            in = hidden;
        }
        list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(hidden).nOut(VOCAB).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        // non-zero biases, so that a bias in the wrong gate shows
        net.params().addi(Nd4j.rand(new Random(seed).nextLong(), net.params().shape()).castTo(DataType.FLOAT).subi(0.5).muli(0.2));
        return net;
    }

    static DataSet batch(Random r, int batch, int steps) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, batch, VOCAB, steps);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, VOCAB, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                x.putScalar(new int[]{b, r.nextInt(VOCAB), t}, 1.0);
                y.putScalar(new int[]{b, r.nextInt(VOCAB), t}, 1.0);
            }
        }
        return new DataSet(x, y);
    }

    /** Largest |a - b| over the largest |b| (at least 1e-3). */
    static double relativeDifference(INDArray a, INDArray b) {
        double diff = Transforms.abs(a.sub(b)).maxNumber().doubleValue();
        return diff / Math.max(1e-3, Transforms.abs(b).maxNumber().doubleValue());
    }

    static double worst;

    @ParameterizedTest(name = "{0}, carried state {1}: loss and gradient equal the fused engine's")
    @CsvSource({"LSTM,false", "LSTM,true", "LSTM LSTM,true", "LSTM LSTM LSTM,true",
            "GRU,false", "GRU,true", "GRU GRU,true", "GRU GRU GRU,true",
            "RNN,false", "RNN,true", "RNN RNN,true", "RNN RNN RNN,true",
            "GRU LSTM RNN,true", "RNN GRU,false", "LSTM GRU,true"})
    void equalsTheFusedEngine(String cells, boolean carry) {
        MultiLayerNetwork ref = stack(cells, 6, 12), fast = stack(cells, 6, 12);
        BatchGradient fused = new FusedRnnGradient(), onednn = OneDnnGradient.withThreads(2);
        fused.prepare(ref, carry, STEPS);
        onednn.prepare(fast, carry, STEPS);
        Random r = new Random(99);
        for (int k = 0; k < 3; k++) {
            DataSet ds = batch(r, BATCH, STEPS);
            double lr = fused.compute(ref, ds), lf = onednn.compute(fast, ds);
            assertEquals(lr, lf, FLOAT_TOLERANCE * lr, cells + " batch " + k + ": loss");
            double rel = relativeDifference(fast.gradient().gradient(), ref.gradient().gradient());
            worst = Math.max(worst, rel);
            assertTrue(rel <= FLOAT_TOLERANCE, cells + " carry=" + carry + " batch " + k + ": gradient differs by " + rel);
        }
    }
}
