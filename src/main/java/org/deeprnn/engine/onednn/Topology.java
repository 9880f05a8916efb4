package org.deeprnn.engine.onednn;

import org.deeprnn.engine.GradientViews;
import org.deeprnn.engine.NetworkReading;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network's {@link NetworkReading} in the arrays the plans build from: oneDNN's cell per layer, widths, input
 * dropout, the output layer's loss, and DL4J's gradient views ({@link GradientViews}) that the trainer's updater reads.
 */
final class Topology {
    final NetworkReading reading;
    final Cell[] cells;
    final int[] hidden;
    /** Per recurrent layer the probability that DL4J's {@code Dropout} retains an element of its input; 1 without dropout. */
    final double[] retain;
    final int nIn, nOut;
    final boolean mse;
    final double clipEps;
    final GradientViews views;
    /** Per recurrent layer {W, RW, b}, then the output layer's {W, b}: views of DL4J's flattened gradient. */
    final INDArray[][] gradients;

    Topology(NetworkReading reading, MultiLayerNetwork net) {
        this.reading = reading;
        int layers = reading.layers().size();
        cells = new Cell[layers];
        hidden = new int[layers];
        retain = new double[layers];
        for (int l = 0; l < layers; l++) {
            NetworkReading.Recurrent r = reading.layers().get(l);
            cells[l] = Cell.of(r.cell());
            hidden[l] = r.hidden();
            retain[l] = r.retain();
        }
        nIn = reading.nIn();
        nOut = reading.nOut();
        mse = reading.mse();
        clipEps = reading.clipEps();
        views = GradientViews.bind(net, layers);
        gradients = views.layers();
    }
}
