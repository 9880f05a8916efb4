package org.deeprnn.engine.onednn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One recurrent layer at one batch shape (n sequences of t steps): its forward-training and backward
 * primitives with every memory they read and write, built once and reused for every batch of that shape.
 * <p>
 * Activations are ND4J arrays in oneDNN's plain layouts, shared with the neighbours: the input
 * {@code [t n, nIn]} ({@code tnc}) is the layer below's output, the gradient w.r.t. the output is the
 * layer above's gradient w.r.t. its input. The state a batch starts from ({@code src_iter}, and the
 * LSTM's {@code src_iter_c}) is always given: zeros, or the final state of the previous batch when it is
 * carried. Its gradient is computed and dropped, and the final state gets a zero gradient: the incoming
 * state is held fixed, so the result is the gradient of this batch's loss. (Passing the state also avoids
 * oneDNN 2.5's wrong LSTM recurrent-weight gradient without {@code src_iter}.)
 * <p>
 * Weights: DL4J's gate blocks are copied into an {@code ldgoi} buffer in oneDNN's gate order
 * ({@link Cell}), then reordered into the layout each primitive chose where it differs. oneDNN adds into
 * its weight gradients, so they are zeroed before each backward pass; the result is reordered back to
 * {@code ldgoi} and its gate blocks copied into DL4J's gradient views.
 */
final class RecurrentStage {
    final Cell cell;
    final int nIn, h, n, t;
    /** Carried state: what the batch starts from, and what it ends with. [n, h] each, LSTM's cell state included. */
    private final INDArray hStart, cStart, hEnd, cEnd;
    private final INDArray userW, userRW, userB, userDW, userDRW, diffB;
    private final memory fwdW, fwdRW, bwdW, bwdRW, diffW, diffRW;
    private final memory userWMem, userRWMem, userDWMem, userDRWMem;
    private final primitive forward, backward;
    private final reorder toFwdW, toFwdRW, toBwdW, toBwdRW, fromDiffW, fromDiffRW;
    private final IntMemoryMap forwardArgs = new IntMemoryMap(), backwardArgs = new IntMemoryMap();
    /** Keeps the memories the argument maps point at reachable. */
    private final Object[] keep;

    /**
     * @param x  this layer's input [t n, nIn], the layer below's output
     * @param y  this layer's output [t n, h]
     * @param dx gradient w.r.t. x, written by the backward pass
     * @param dy gradient w.r.t. y, read by the backward pass
     */
    RecurrentStage(Cell cell, int nIn, int h, int n, int t, INDArray x, INDArray y, INDArray dx, INDArray dy) {
        this.cell = cell;
        this.nIn = nIn;
        this.h = h;
        this.n = n;
        this.t = t;
        int g = cell.gates;
        memory.desc src = OneDnn.desc(memory.format_tag.tnc, t, n, nIn);
        memory.desc dst = OneDnn.desc(memory.format_tag.tnc, t, n, h);
        memory.desc state = OneDnn.desc(memory.format_tag.ldnc, 1, 1, n, h);
        memory.desc anyW = OneDnn.desc(memory.format_tag.any, 1, 1, nIn, g, h);
        memory.desc anyRW = OneDnn.desc(memory.format_tag.any, 1, 1, h, g, h);
        memory.desc bias = OneDnn.desc(memory.format_tag.ldgo, 1, 1, g, h);
        Cell.Primitives pd = cell.primitives(new Cell.Shapes(src, dst, state, anyW, anyRW, bias));
        forward = new primitive(pd.forward());
        backward = new primitive(pd.backward());

        hStart = zeros(n, h);
        hEnd = zeros(n, h);
        cStart = cell.cellState ? zeros(n, h) : null;
        cEnd = cell.cellState ? zeros(n, h) : null;
        INDArray dhStart = zeros(n, h), dcStart = cell.cellState ? zeros(n, h) : null;
        INDArray dhEnd = zeros(n, h), dcEnd = cell.cellState ? zeros(n, h) : null; // stay zero

        userW = zeros(1, (long) g * h * nIn);
        userRW = zeros(1, (long) g * h * h);
        userB = zeros(1, (long) g * h);
        userDW = zeros(1, (long) g * h * nIn);
        userDRW = zeros(1, (long) g * h * h);
        diffB = zeros(1, (long) g * h);
        memory.desc userWDesc = OneDnn.desc(memory.format_tag.ldgoi, 1, 1, nIn, g, h);
        memory.desc userRWDesc = OneDnn.desc(memory.format_tag.ldgoi, 1, 1, h, g, h);
        userWMem = OneDnn.over(userWDesc, userW);
        userRWMem = OneDnn.over(userRWDesc, userRW);
        userDWMem = OneDnn.over(userWDesc, userDW);
        userDRWMem = OneDnn.over(userRWDesc, userDRW);

        fwdW = OneDnn.owned(pd.forward().weights_layer_desc());
        fwdRW = OneDnn.owned(pd.forward().weights_iter_desc());
        bwdW = OneDnn.owned(pd.backward().weights_layer_desc());
        bwdRW = OneDnn.owned(pd.backward().weights_iter_desc());
        diffW = OneDnn.owned(pd.backward().diff_weights_layer_desc());
        diffRW = OneDnn.owned(pd.backward().diff_weights_iter_desc());
        toFwdW = new reorder(userWMem, fwdW);
        toFwdRW = new reorder(userRWMem, fwdRW);
        toBwdW = new reorder(userWMem, bwdW);
        toBwdRW = new reorder(userRWMem, bwdRW);
        fromDiffW = new reorder(diffW, userDWMem);
        fromDiffRW = new reorder(diffRW, userDRWMem);
        memory workspace = OneDnn.owned(pd.forward().workspace_desc());
        memory forwardScratch = OneDnn.owned(pd.forward().scratchpad_desc()), backwardScratch = OneDnn.owned(pd.backward().scratchpad_desc());

        memory xMem = OneDnn.over(src, x), yMem = OneDnn.over(dst, y), dxMem = OneDnn.over(src, dx), dyMem = OneDnn.over(dst, dy);
        memory hStartMem = OneDnn.over(state, hStart), hEndMem = OneDnn.over(state, hEnd);
        memory dhStartMem = OneDnn.over(state, dhStart), dhEndMem = OneDnn.over(state, dhEnd);
        memory biasMem = OneDnn.over(bias, userB), diffBMem = OneDnn.over(bias, diffB);

        forwardArgs.put(DNNL_ARG_SRC_LAYER, xMem).put(DNNL_ARG_SRC_ITER, hStartMem).put(DNNL_ARG_WEIGHTS_LAYER, fwdW)
                .put(DNNL_ARG_WEIGHTS_ITER, fwdRW).put(DNNL_ARG_BIAS, biasMem).put(DNNL_ARG_DST_LAYER, yMem)
                .put(DNNL_ARG_DST_ITER, hEndMem).put(DNNL_ARG_WORKSPACE, workspace).put(DNNL_ARG_SCRATCHPAD, forwardScratch);
        backwardArgs.put(DNNL_ARG_SRC_LAYER, xMem).put(DNNL_ARG_SRC_ITER, hStartMem).put(DNNL_ARG_WEIGHTS_LAYER, bwdW)
                .put(DNNL_ARG_WEIGHTS_ITER, bwdRW).put(DNNL_ARG_BIAS, biasMem).put(DNNL_ARG_DST_LAYER, yMem)
                .put(DNNL_ARG_DST_ITER, hEndMem).put(DNNL_ARG_WORKSPACE, workspace)
                .put(DNNL_ARG_DIFF_SRC_LAYER, dxMem).put(DNNL_ARG_DIFF_SRC_ITER, dhStartMem)
                .put(DNNL_ARG_DIFF_WEIGHTS_LAYER, diffW).put(DNNL_ARG_DIFF_WEIGHTS_ITER, diffRW)
                .put(DNNL_ARG_DIFF_BIAS, diffBMem).put(DNNL_ARG_DIFF_DST_LAYER, dyMem).put(DNNL_ARG_DIFF_DST_ITER, dhEndMem)
                .put(DNNL_ARG_SCRATCHPAD, backwardScratch);
        memory cStartMem = null, cEndMem = null, dcStartMem = null, dcEndMem = null;
        if (cell.cellState) {
            cStartMem = OneDnn.over(state, cStart);
            cEndMem = OneDnn.over(state, cEnd);
            dcStartMem = OneDnn.over(state, dcStart);
            dcEndMem = OneDnn.over(state, dcEnd);
            forwardArgs.put(DNNL_ARG_SRC_ITER_C, cStartMem).put(DNNL_ARG_DST_ITER_C, cEndMem);
            backwardArgs.put(DNNL_ARG_SRC_ITER_C, cStartMem).put(DNNL_ARG_DST_ITER_C, cEndMem)
                    .put(DNNL_ARG_DIFF_SRC_ITER_C, dcStartMem).put(DNNL_ARG_DIFF_DST_ITER_C, dcEndMem);
        }
        keep = new Object[]{pd.forward(), pd.backward(), workspace, forwardScratch, backwardScratch, xMem, yMem, dxMem, dyMem, hStartMem, hEndMem, dhStartMem,
                dhEndMem, biasMem, diffBMem, cStartMem, cEndMem, dcStartMem, dcEndMem, dhStart, dcStart, dhEnd, dcEnd, x, y, dx, dy};
    }

    private static INDArray zeros(long rows, long cols) {
        return Nd4j.zeros(DataType.FLOAT, rows, cols);
    }

    /** Copies DL4J's W, RW and b into this stage's weights (gate order and layouts of each primitive). */
    void loadWeights(INDArray w, INDArray rw, INDArray b) {
        copyBlocks(w, userW, (long) nIn * h, true);
        copyBlocks(rw, userRW, (long) h * h, true);
        copyBlocks(b, userB, h, true);
        var s = OneDnn.stream();
        toFwdW.execute(s, userWMem, fwdW);
        toFwdRW.execute(s, userRWMem, fwdRW);
        toBwdW.execute(s, userWMem, bwdW);
        toBwdRW.execute(s, userRWMem, bwdRW);
    }

    void forward() {
        forward.execute(OneDnn.stream(), forwardArgs);
    }

    void backward() {
        OneDnn.zero(diffW);
        OneDnn.zero(diffRW);
        Pointer.memset(OneDnn.floats(diffB), 0, diffB.length() * 4L);
        backward.execute(OneDnn.stream(), backwardArgs);
        var s = OneDnn.stream();
        fromDiffW.execute(s, diffW, userDWMem);
        fromDiffRW.execute(s, diffRW, userDRWMem);
    }

    /** Copies the weight gradients of the last backward pass into DL4J's gradient views. */
    void storeGradients(INDArray gW, INDArray gRW, INDArray gb) {
        copyBlocks(gW, userDW, (long) nIn * h, false);
        copyBlocks(gRW, userDRW, (long) h * h, false);
        copyBlocks(gb, diffB, h, false);
    }

    /**
     * Copies gate blocks of {@code run} floats between a DL4J array and a oneDNN-ordered buffer, both
     * contiguous: into the buffer when {@code toOneDnn}, back otherwise.
     */
    private void copyBlocks(INDArray dl4j, INDArray oneDnn, long run, boolean toOneDnn) {
        long bytes = run * 4L;
        long d = OneDnn.address(dl4j), o = OneDnn.address(oneDnn);
        for (int k = 0; k < cell.gates; k++) {
            Pointer dl = OneDnn.at(d + cell.dl4jBlock(k) * bytes);
            Pointer on = OneDnn.at(o + k * bytes);
            if (toOneDnn) {
                Pointer.memcpy(on, dl, bytes);
            } else {
                Pointer.memcpy(dl, on, bytes);
            }
        }
    }

    /** Makes the final state of the last forward pass the state the next batch starts from. */
    void carryState() {
        Pointer.memcpy(OneDnn.floats(hStart), OneDnn.floats(hEnd), (long) n * h * 4);
        if (cell.cellState) {
            Pointer.memcpy(OneDnn.floats(cStart), OneDnn.floats(cEnd), (long) n * h * 4);
        }
    }

    void clearState() {
        hStart.assign(0);
        if (cell.cellState) {
            cStart.assign(0);
        }
    }

    /** The state the next batch starts from: {h} or {h, c}. */
    INDArray[] startState() {
        return cell.cellState ? new INDArray[]{hStart, cStart} : new INDArray[]{hStart};
    }
}
