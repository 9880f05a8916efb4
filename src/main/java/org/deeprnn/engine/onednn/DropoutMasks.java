package org.deeprnn.engine.onednn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.random.impl.DropOutInverted;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's inverted dropout on the inputs of the recurrent layers that have it, at one batch shape: in training
 * each such input is multiplied by a mask of 0 and 1/retain (Bernoulli(retain) from ND4J's random generator,
 * as DL4J's {@code Dropout} draws it), and in the backward pass the gradient w.r.t. the input by the same mask.
 * A layer with dropout reads its own copy of the layer below's output, so the layer below keeps its undropped
 * output for its own backward pass; out of training the copy is plain.
 */
final class DropoutMasks {

    /** Where training masks come from instead of the random generator (tests that give DL4J and the engine one mask). */
    @FunctionalInterface
    interface Source {
        /** The mask of recurrent layer {@code layer}'s input for the next batch, DL4J's layout [n, width, t], each element 0 or 1/retain. */
        INDArray mask(int layer, int n, int width, int t);
    }

    private final int n, t;
    private final double[] retain;
    /** Per layer: the layer below's output and its gradient, and for a layer with dropout the dropped copies and the mask. */
    private final INDArray[] below, belowGradient, dropped, droppedGradient, masks;

    /**
     * @param retain the retain probability of each recurrent layer's input, 1 for none
     * @param x      each layer's input as the layer below writes it, [t n, width] row-major (x[l] for layer l)
     * @param dx     the gradient w.r.t. each x[l] that the layer below reads
     */
    DropoutMasks(double[] retain, int n, int t, INDArray[] x, INDArray[] dx) {
        this.n = n;
        this.t = t;
        this.retain = retain.clone();
        int layers = retain.length;
        below = new INDArray[layers];
        belowGradient = new INDArray[layers];
        dropped = new INDArray[layers];
        droppedGradient = new INDArray[layers];
        masks = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            below[l] = x[l];
            belowGradient[l] = dx[l];
            if (active(l)) {
                long[] shape = x[l].shape();
                dropped[l] = Nd4j.create(DataType.FLOAT, shape, 'c');
                droppedGradient[l] = Nd4j.create(DataType.FLOAT, shape, 'c');
                masks[l] = Nd4j.create(DataType.FLOAT, shape, 'c');
            }
        }
    }

    /** Whether layer {@code l}'s input is dropped in training. */
    boolean active(int l) {
        return retain[l] < 1;
    }

    /** What layer {@code l} reads as its input. */
    INDArray input(int l) {
        return active(l) ? dropped[l] : below[l];
    }

    /** Where layer {@code l}'s backward pass writes the gradient w.r.t. its input. */
    INDArray inputGradient(int l) {
        return active(l) ? droppedGradient[l] : belowGradient[l];
    }

    /** Draws the masks of the next training batch: from {@code source}, or from ND4J's generator when it is null. */
    void draw(Source source) {
        for (int l = 0; l < masks.length; l++) {
            if (!active(l)) {
                continue;
            }
            INDArray m = masks[l];
            if (source == null) {
                m.assign(1.0);
                Nd4j.getExecutioner().exec(new DropOutInverted(m, m, retain[l]));
            } else {
                int width = (int) m.size(1);
                m.reshape('c', t, n, width).assign(source.mask(l, n, width, t).permute(2, 0, 1));
            }
        }
    }

    /** Fills layer {@code l}'s input from the layer below's output: masked in training, copied otherwise. */
    void forward(int l, boolean training) {
        if (!active(l)) {
            return;
        }
        if (training) {
            Nd4j.getExecutioner().exec(new MulOp(below[l], masks[l], dropped[l]));
        } else {
            dropped[l].assign(below[l]);
        }
    }

    /** Turns the gradient w.r.t. layer {@code l}'s dropped input into the gradient w.r.t. the layer below's output. */
    void backward(int l) {
        if (active(l)) {
            Nd4j.getExecutioner().exec(new MulOp(droppedGradient[l], masks[l], belowGradient[l]));
        }
    }
}
