package org.deeprnn.engine;

import org.deeprnn.engine.FusedRnnGradient.Phase;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

import static org.deeprnn.engine.Layout.blocks;
import static org.deeprnn.engine.Layout.rows;

/**
 * One recurrent layer of the fused engine: its geometry, DL4J's gradient views of its parameters,
 * its working arrays (in the {@link Layout} of the engine) and the passes every cell shares: the
 * input projection of all steps before the forward step loop, the derivative factors of all steps
 * before the backward step loop, and the weight gradients of all steps after it. Subclasses add
 * their cell's arrays and step loops.
 */
abstract class FusedRecurrent {
    /** The cell's name for descriptions: "LSTM", "GRU", "SimpleRnn". */
    final String cell;
    final int index, nIn, h;
    final INDArray gW, gRW, gb;
    final MatrixProducts products;
    final OpExecutioner ex = Nd4j.getExecutioner();
    /** Batch rows and steps of the current layout. */
    int b, t;
    /** Hidden states [R, h]: block 0 the initial state, block s + 1 the output of step s. */
    INDArray hx;
    /** Rows b..R of hx: this layer's output for all steps, the next layer's input. */
    INDArray hOut;
    /** Rows 0..R-b of hx: the state every step starts from. */
    INDArray hPrev;
    /** Gradient of the loss w.r.t. this layer's outputs [R, h] (block s + 1 for step s); dHOut its rows b..R. */
    INDArray dH, dHOut;
    /** hx by blocks 0..t, dH by blocks 1..t (index s for step s). */
    INDArray[] hBlock, dHBlock;
    /** Set by {@link #layoutCell}: where X W of all steps goes (rows b..R of the pre-activations). */
    INDArray projection;
    /** Set by {@link #layoutCell}: what the bias is added to (block 0 too where it is never read, to keep the op on contiguous memory). */
    INDArray biased;
    /** Set by {@link #layoutCell}: dL/d(pre-activations) of all steps, rows b..R. */
    INDArray preActivationGradient;

    FusedRecurrent(String cell, int index, int nIn, int h, INDArray gW, INDArray gRW, INDArray gb, MatrixProducts products) {
        this.cell = cell;
        this.index = index;
        this.nIn = nIn;
        this.h = h;
        this.gW = gW;
        this.gRW = gRW;
        this.gb = gb;
        this.products = products;
    }

    /** Lays out this layer's arrays for {@code b} batch rows and {@code t} steps on {@code buffers}. */
    final void layout(Buffers buffers, int b, int t) {
        this.b = b;
        this.t = t;
        long r = (long) (t + 1) * b;
        hx = buffers.columnMajor(r, h);
        hOut = rows(hx, b, r);
        hPrev = rows(hx, 0, r - b);
        dH = buffers.columnMajor(r, h);
        dHOut = rows(dH, b, r);
        hBlock = blocks(hx, b, 0, t + 1);
        dHBlock = blocks(dH, b, 1, t);
        layoutCell(buffers, r);
    }

    /** Lays out the cell's own [R, *] arrays and their per-step blocks, and sets the three arrays the shared passes use. */
    abstract void layoutCell(Buffers buffers, long r);

    /** Runs the layer over all steps of {@code x} [t b, nIn], from the carried state when {@code withState}, else from zeros. */
    final void forward(Layer layer, INDArray x, boolean withState, Profiler profiler) {
        if (!withState) {
            clearState();
        }
        products.gemm(x, false, layer.getParam("W"), false, projection, 1, 0);
        biased.addiRowVector(layer.getParam("b"));
        profiler.lap(Phase.FORWARD_SEQUENCE_GEMM);
        forwardSteps(layer.getParam("RW"), withState, profiler);
    }

    abstract void forwardSteps(INDArray rw, boolean withState, Profiler profiler);

    /**
     * Fills this layer's gradient views from {@code dHOut} and, when {@code dBelow} (the layer below's
     * dHOut) is not null, sets it to dL/dX; {@code x} is the input the forward pass had.
     */
    final void backward(Layer layer, INDArray x, INDArray ones, INDArray dBelow, Profiler profiler) {
        factors();
        profiler.lap(Phase.BACKWARD_FACTORS);
        backwardSteps(layer.getParam("RW"), profiler);
        INDArray dZ = preActivationGradient;
        products.gemm(x, true, dZ, false, gW, 1, 0);
        recurrentWeightGradient(dZ);
        products.gemm(ones, false, dZ, false, gb, 1, 0);
        if (dBelow != null) {
            products.gemm(dZ, false, layer.getParam("W"), true, dBelow, 1, 0);
        }
        profiler.lap(Phase.WEIGHT_GRADIENT_GEMM);
    }

    /** The derivative factors of all steps at once, before the backward loop. */
    abstract void factors();

    abstract void backwardSteps(INDArray rw, Profiler profiler);

    /** The RW gradient: H_{t-1}^T dZ of all steps. */
    void recurrentWeightGradient(INDArray dZ) {
        products.gemm(hPrev, true, dZ, false, gRW, 1, 0);
    }

    /** The [R, *] arrays whose block 0 is the state a batch starts from: the hidden state, and the LSTM's cell. */
    INDArray[] stateArrays() {
        return new INDArray[]{hx};
    }

    /** Makes the final state of the last batch the state the next one starts from. */
    final void keepFinalState() {
        for (INDArray a : stateArrays()) {
            rows(a, 0, b).assign(rows(a, (long) t * b, (long) (t + 1) * b));
        }
    }

    /** A copy of the state the next batch starts from, to survive a new {@link #layout}. */
    final INDArray[] copyState() {
        INDArray[] arrays = stateArrays(), copies = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            copies[i] = rows(arrays[i], 0, b).dup('f');
        }
        return copies;
    }

    /** Makes {@code copies} (from {@link #copyState}) the state the next batch starts from. */
    final void restoreState(INDArray[] copies) {
        INDArray[] arrays = stateArrays();
        for (int i = 0; i < arrays.length; i++) {
            rows(arrays[i], 0, b).assign(copies[i]);
        }
    }

    private void clearState() {
        for (INDArray a : stateArrays()) {
            rows(a, 0, b).assign(0);
        }
    }
}
