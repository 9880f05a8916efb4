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
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Random;

import static org.deeprnn.layer.RnnEquations.*;
import static org.junit.jupiter.api.Assertions.*;

/** The GRU layer computes the GRU equations, alone and stacked with DL4J's LSTM and SimpleRnn. */
class GRUTest {
    static final int BATCH = 3, STEPS = 6;

    /** The given recurrent layers under a softmax RnnOutputLayer with {@code outputs} classes. */
    static MultiLayerNetwork network(DataType type, long seed, int outputs, Layer... recurrent) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed).dataType(type)
                .weightInit(new WeightInitXavier()).updater(new Sgd(1.0)).list();
        long last = 0;
        for (Layer l : recurrent) {
            list.layer(l);
            last = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) l).getNOut();
        }
        list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(last).nOut(outputs).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    static GRU gru(int nIn, int nOut) {
        return new GRU.Builder().nIn(nIn).nOut(nOut).build();
    }

    /** Replaces every parameter (biases included) by a uniform value in [-scale, scale]. */
    static void randomizeParams(MultiLayerNetwork net, long seed, double scale) {
        Random r = new Random(seed);
        INDArray p = net.params();
        for (long i = 0; i < p.length(); i++) {
            p.putScalar(i, (2 * r.nextDouble() - 1) * scale);
        }
    }

    static INDArray randomInput(DataType type, long seed, int batch, int features, int steps) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(type, batch, features, steps);
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < features; j++) {
                for (int t = 0; t < steps; t++) {
                    x.putScalar(new long[]{i, j, t}, 2 * r.nextDouble() - 1);
                }
            }
        }
        return x;
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
}
