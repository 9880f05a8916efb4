package org.deeprnn.engine;

import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Where an engine writes its gradient: DL4J's flattened gradient view, the array the trainer hands to the updater, and
 * its per-parameter views, so that no gradient is ever copied into place. Both fast engines bind to it here.
 *
 * @param flat   the flattened gradient view
 * @param layers per recurrent layer its {W, RW, b}, then the output layer's {W, b}: contiguous views of {@code flat},
 *               biases as [1, n] rows
 */
public record GradientViews(INDArray flat, INDArray[][] layers) {

    /**
     * Binds to the gradient views of {@code net}, a stack of {@code recurrentLayers} recurrent layers under an output
     * layer, making DL4J create its flattened view first where it has none.
     */
    public static GradientViews bind(MultiLayerNetwork net, int recurrentLayers) {
        INDArray flat = ensureGradientView(net);
        Map<String, INDArray> byKey = net.gradient().gradientForVariable();
        INDArray[][] layers = new INDArray[recurrentLayers + 1][];
        for (int l = 0; l < recurrentLayers; l++) {
            layers[l] = new INDArray[]{view(byKey, flat, l + "_W"), view(byKey, flat, l + "_RW"), view(byKey, flat, l + "_b")};
        }
        layers[recurrentLayers] = new INDArray[]{view(byKey, flat, recurrentLayers + "_W"), view(byKey, flat, recurrentLayers + "_b")};
        return new GradientViews(flat, layers);
    }

    /** Whether {@code net} still writes its gradient where these views point (DL4J replaces its view on {@code init()}). */
    public boolean boundTo(MultiLayerNetwork net) {
        Gradient g = net.gradient();
        return net.getFlattenedGradients() == flat && g != null && sameMemory(g.gradient(), flat);
    }

    /**
     * Makes sure {@code net.gradient()} is DL4J's own gradient object over the flattened gradient view, and returns that
     * view. A network that never ran DL4J's backprop has neither; one backprop on a single one-step example creates both,
     * with DL4J's per-parameter views and keys ("0_W", "0_RW", "0_b", ...).
     */
    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    private static INDArray ensureGradientView(MultiLayerNetwork net) {
        Gradient g = net.gradient();
        INDArray flat = net.getFlattenedGradients();
        if (g != null && flat != null && sameMemory(g.gradient(), flat)) {
            return flat;
        }
        long nIn = ((FeedForwardLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).getNIn();
        long nOut = ((FeedForwardLayer) net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer()).getNOut();
        DataType dt = net.params().dataType();
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray x = Nd4j.zeros(dt, 1, nIn, 1);
            INDArray y = Nd4j.zeros(dt, 1, nOut, 1);
            y.putScalar(0, 1.0);
            net.rnnClearPreviousState();
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            net.clear();
            net.rnnClearPreviousState();
        }
        g = net.gradient();
        flat = net.getFlattenedGradients();
        if (g == null || flat == null || !sameMemory(g.gradient(), flat)) {
            throw new IllegalStateException("DL4J did not create its flattened gradient view; cannot write gradients");
        }
        return flat;
    }

    /** Whether two arrays cover the same memory (DL4J hands out a fresh reshaped view of its gradient on every call). */
    private static boolean sameMemory(INDArray a, INDArray b) {
        return a.length() == b.length() && address(a) == address(b);
    }

    /** DL4J's gradient view of parameter {@code key} ("0_W", ...), checked to be a contiguous run inside {@code flat}. */
    private static INDArray view(Map<String, INDArray> grads, INDArray flat, String key) {
        INDArray v = grads.get(key);
        if (v == null) {
            throw new IllegalStateException("DL4J's gradient has no entry " + key + " (keys: " + grads.keySet() + ")");
        }
        long size = flat.data().getElementSize(), start = address(flat), at = address(v);
        if (at < start || at + v.length() * size > start + flat.length() * size || !contiguous(v)) {
            throw new IllegalStateException("DL4J's gradient " + key + " is not a contiguous view of the flattened gradient");
        }
        if (v.rank() == 1) {
            INDArray row = v.reshape('c', 1, v.length()); // biases may come as vectors; products need [1, n]
            if (!sameMemory(row, v)) {
                throw new IllegalStateException("Could not view DL4J's gradient " + key + " as a row without copying");
            }
            return row;
        }
        return v;
    }

    /** Column-major with no gaps (or a single row or column): one run of numbers in DL4J's gate-block order. */
    static boolean contiguous(INDArray a) {
        if (a.rank() == 1 || a.length() == 1) {
            return a.rank() != 1 || a.stride(0) == 1;
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
