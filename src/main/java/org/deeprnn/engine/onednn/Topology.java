package org.deeprnn.engine.onednn;

import org.deeprnn.engine.GradientViews;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.Arrays;
import java.util.Map;

/**
 * What the engine reads from a network once: the cells and widths of its recurrent layers, their dropout, the output
 * layer's loss, and DL4J's gradient views ("0_W", "0_RW", "0_b", ...) inside the flattened gradient that
 * the trainer's updater reads. Built only for networks {@link OneDnnGradient#unsupportedReason} accepts.
 */
final class Topology {
    final Cell[] cells;
    final int[] hidden;
    /** Per recurrent layer the probability that DL4J's {@code Dropout} retains an element of its input; 1 without dropout. */
    final double[] retain;
    final int nIn, nOut;
    final boolean mse;
    final double clipEps;
    /** Per recurrent layer {W, RW, b}, then the output layer's {W, b}: views of {@link #flatGradient}. */
    final INDArray[][] gradients;
    final INDArray flatGradient;

    Topology(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int layers = net.getnLayers() - 1;
        cells = new Cell[layers];
        hidden = new int[layers];
        retain = new double[layers];
        for (int l = 0; l < layers; l++) {
            FeedForwardLayer c = (FeedForwardLayer) conf.getConf(l).getLayer();
            cells[l] = Cell.of(c);
            hidden[l] = (int) c.getNOut();
            retain[l] = c.getIDropout() instanceof Dropout d ? d.getP() : 1;
        }
        nIn = (int) ((FeedForwardLayer) conf.getConf(0).getLayer()).getNIn();
        RnnOutputLayer out = (RnnOutputLayer) conf.getConf(layers).getLayer();
        nOut = (int) out.getNOut();
        mse = out.getLossFn() instanceof LossMSE;
        clipEps = mse ? 0 : ((LossMCXENT) out.getLossFn()).getSoftmaxClipEps();
        flatGradient = GradientViews.ensureGradientView(net);
        Map<String, INDArray> byKey = net.gradient().gradientForVariable();
        gradients = new INDArray[layers + 1][];
        for (int l = 0; l < layers; l++) {
            gradients[l] = new INDArray[]{view(byKey, l + "_W"), view(byKey, l + "_RW"), view(byKey, l + "_b")};
        }
        gradients[layers] = new INDArray[]{view(byKey, layers + "_W"), view(byKey, layers + "_b")};
    }

    /** Throws unless {@code features} is [n, nIn, t] and {@code labels} [n, nOut, t] for some n and t. */
    void checkBatch(INDArray features, INDArray labels) {
        long[] want = features == null ? null : new long[]{features.size(0), nIn, features.rank() == 3 ? features.size(2) : -1};
        boolean ok = want != null && labels != null && features.rank() == 3 && labels.rank() == 3
                && Arrays.equals(features.shape(), want) && Arrays.equals(labels.shape(), new long[]{want[0], nOut, want[2]});
        if (!ok) {
            throw new IllegalArgumentException("This network reads batches as features [n, " + nIn + ", t] and labels [n, " + nOut
                    + ", t] (DL4J's NCW layout); this batch has " + shape(features) + " and " + shape(labels));
        }
    }

    private static String shape(INDArray a) {
        return a == null ? "none" : Arrays.toString(a.shape());
    }

    /** Whether the network still writes its gradient where this topology's views point. */
    boolean boundTo(MultiLayerNetwork net) {
        Gradient g = net.gradient();
        return g != null && net.getFlattenedGradients() == flatGradient && address(g.gradient()) == address(flatGradient);
    }

    private INDArray view(Map<String, INDArray> byKey, String key) {
        INDArray v = byKey.get(key);
        if (v == null) {
            throw new IllegalStateException("DL4J's gradient has no entry " + key + " (it has " + byKey.keySet() + ")");
        }
        long start = address(flatGradient), end = start + flatGradient.length() * 4L, at = address(v);
        if (at < start || at + v.length() * 4L > end || !contiguous(v)) {
            throw new IllegalStateException("DL4J's gradient " + key + " is not a contiguous view of the flattened gradient");
        }
        return v;
    }

    /** Column-major with no gaps (or a single row or column): one run of floats in DL4J's gate-block order. */
    static boolean contiguous(INDArray a) {
        if (a.rank() == 1 || a.length() == 1) {
            return a.rank() == 1 ? a.stride(0) == 1 : true;
        }
        if (a.rank() != 2) {
            return false;
        }
        if (a.rows() == 1) {
            return a.stride(1) == 1;
        }
        return a.stride(0) == 1 && a.stride(1) == a.rows();
    }

    private static long address(INDArray a) {
        return a.data().addressPointer().address();
    }
}
