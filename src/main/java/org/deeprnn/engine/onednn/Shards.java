package org.deeprnn.engine.onednn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A batch shape (n sequences of t steps) cut into K fixed slices of consecutive sequences, each with its own
 * {@link Plan}: every slice is computed alone (oneDNN on one thread), and the slices' losses and gradients are
 * summed in slice order. Sequences are independent in the loss and its gradient, so the sum is the batch's
 * gradient; its float rounding depends on K and the batch, never on how many cores run the slices or how busy
 * they are. Slice k's gradient goes to the network's gradient view for k = 0, to its own arrays otherwise.
 */
final class Shards implements AutoCloseable {
    final int n, t;
    final Plan[] plans;
    private final int[] offsets;
    /** Per slice the gradient arrays its backward pass writes, as {@link Topology#gradients}. */
    private final INDArray[][][] gradients;

    Shards(Topology topology, int n, int t, int slices) {
        this.n = n;
        this.t = t;
        int k = Math.max(1, Math.min(slices, n));
        plans = new Plan[k];
        offsets = new int[k + 1];
        gradients = new INDArray[k][][];
        for (int s = 0; s < k; s++) {
            offsets[s + 1] = offsets[s] + n / k + (s < n % k ? 1 : 0);
            plans[s] = new Plan(topology, offsets[s + 1] - offsets[s], t);
            gradients[s] = s == 0 ? topology.gradients : copies(topology.gradients);
        }
    }

    private static INDArray[][] copies(INDArray[][] views) {
        INDArray[][] out = new INDArray[views.length][];
        for (int l = 0; l < views.length; l++) {
            out[l] = new INDArray[views[l].length];
            for (int j = 0; j < views[l].length; j++) {
                out[l][j] = views[l][j].dup('f'); // one column-major run, DL4J's block layout
            }
        }
        return out;
    }

    /**
     * The batch's summed loss; with {@code training} also dropout (masks drawn slice by slice on the calling
     * thread, from {@code source} when given) and the gradient, summed into the network's gradient view.
     */
    double run(MultiLayerNetwork net, INDArray features, INDArray labels, DropoutMasks.Source source, Lanes lanes, boolean training) {
        int k = plans.length;
        INDArray[] x = new INDArray[k], y = new INDArray[k];
        for (int s = 0; s < k; s++) {
            x[s] = slice(features, s);
            y[s] = slice(labels, s);
            if (training) {
                plans[s].dropout.draw(sliceOf(source, s));
            }
        }
        double[] losses = lanes.run(k, s -> run(net, plans[s], x[s], y[s], gradients[s], training));
        if (training) {
            INDArray[][] total = gradients[0];
            for (int s = 1; s < k; s++) {
                for (int l = 0; l < total.length; l++) {
                    for (int j = 0; j < total[l].length; j++) {
                        total[l][j].addi(gradients[s][l][j]);
                    }
                }
            }
        }
        double loss = 0;
        for (double v : losses) {
            loss += v;
        }
        return loss;
    }

    private INDArray slice(INDArray batch, int s) {
        return plans.length == 1 ? batch : batch.get(NDArrayIndex.interval(offsets[s], offsets[s + 1]), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** The masks of slice {@code s}: its sequences of the masks {@code source} gives for the whole batch. */
    private DropoutMasks.Source sliceOf(DropoutMasks.Source source, int s) {
        if (source == null || plans.length == 1) {
            return source;
        }
        return (layer, rows, width, steps) -> slice(source.mask(layer, n, width, steps), s);
    }

    /** One slice on the calling thread: the forward pass, and with {@code training} dropout and the backward pass into {@code g}. */
    private static double run(MultiLayerNetwork net, Plan plan, INDArray features, INDArray labels, INDArray[][] g, boolean training) {
        RecurrentStage[] stages = plan.stages;
        int top = stages.length;
        Layer out = net.getLayer(top);
        INDArray w = out.getParam("W"), b = out.getParam("b");
        plan.load(features, labels);
        for (int l = 0; l < top; l++) {
            plan.dropout.forward(l, training);
            Layer layer = net.getLayer(l);
            stages[l].loadWeights(layer.getParam("W"), layer.getParam("RW"), layer.getParam("b"));
            stages[l].forward();
        }
        plan.output.forward(w, b);
        double loss = plan.output.loss();
        if (!training) {
            return loss;
        }
        plan.output.backward(w, g[top][0], g[top][1]);
        for (int l = top - 1; l >= 0; l--) {
            stages[l].backward();
            stages[l].storeGradients(g[l][0], g[l][1], g[l][2]);
            plan.dropout.backward(l);
        }
        return loss;
    }

    void carryState() {
        for (Plan p : plans) {
            for (RecurrentStage s : p.stages) {
                s.carryState();
            }
        }
    }

    void clearState() {
        for (Plan p : plans) {
            p.clearState();
        }
    }

    /** Takes the carried state of {@code other} (same n and slices, any t). */
    void takeStateFrom(Shards other) {
        for (int s = 0; s < plans.length; s++) {
            plans[s].takeStateFrom(other.plans[s]);
        }
    }

    /** Releases every slice's natives ({@link Plan#close}). */
    @Override
    public void close() {
        for (Plan p : plans) {
            p.close();
        }
    }

    /** Whether {@link #close} has released the natives of every slice. */
    boolean closed() {
        for (Plan p : plans) {
            if (!p.closed()) {
                return false;
            }
        }
        return true;
    }
}
