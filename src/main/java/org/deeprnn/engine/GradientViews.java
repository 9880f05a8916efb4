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
 * Where an engine writes its gradient: DL4J's flattened gradient view, the array the trainer hands
 * to the updater, and its per-parameter views, so that no gradient is ever copied into place.
 */
public final class GradientViews {

    private GradientViews() {
    }

    /**
     * Makes sure {@code net.gradient()} is DL4J's own gradient object over the flattened gradient view
     * (the one the trainer hands to the updater), and returns that view. A network that never ran
     * DL4J's backprop has neither; one backprop on a single one-step example creates both, with
     * DL4J's per-parameter views and keys ("0_W", "0_RW", "0_b", ...).
     */
    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    public static INDArray ensureGradientView(MultiLayerNetwork net) {
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
    static boolean sameMemory(INDArray a, INDArray b) {
        return a.length() == b.length() && a.data().addressPointer().address() == b.data().addressPointer().address();
    }

    /** Whether {@code net}'s gradient is still the flattened view {@code bound} (DL4J replaces it on {@code init()}). */
    static boolean stillBound(MultiLayerNetwork net, INDArray bound) {
        return net.getFlattenedGradients() == bound && net.gradient() != null && sameMemory(net.gradient().gradient(), bound);
    }

    /** DL4J's gradient view of parameter {@code key} ("0_W", ...), checked to lie inside {@code flat}; biases as [1, n] rows. */
    static INDArray view(Map<String, INDArray> grads, INDArray flat, String key) {
        INDArray v = grads.get(key);
        if (v == null) {
            throw new IllegalStateException("DL4J's gradient has no entry " + key + " (keys: " + grads.keySet() + ")");
        }
        long base = flat.data().addressPointer().address();
        long end = base + flat.length() * flat.data().getElementSize();
        long at = v.data().addressPointer().address();
        if (at < base || at >= end) {
            throw new IllegalStateException("DL4J's gradient " + key + " is not a view of the flattened gradient");
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
}
