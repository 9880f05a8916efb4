package org.deeprnn.engine;

import org.deeprnn.engine.FusedRnnGradient.Phase;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;

import static org.deeprnn.engine.Layout.blocks;
import static org.deeprnn.engine.Layout.rows;

/** DL4J's SimpleRnn: h_t = tanh(x_t W + h_{t-1} RW + b), computed in place in the hidden states. */
final class FusedSimpleRnn extends FusedRecurrent {
    /** 1 - h^2 [R, h] and the gradient w.r.t. the pre-activations [R, h]. */
    private INDArray d, dZ;
    private INDArray[] dBlock, dZBlock;

    FusedSimpleRnn(int index, int nIn, int h, INDArray gW, INDArray gRW, INDArray gb, MatrixProducts products) {
        super("SimpleRnn", index, nIn, h, gW, gRW, gb, products);
    }

    @Override
    void layoutCell(Buffers buffers, long r) {
        d = buffers.columnMajor(r, h);
        dZ = buffers.columnMajor(r, h);
        projection = hOut;
        biased = hOut; // not block 0: it holds the state the batch starts from
        preActivationGradient = rows(dZ, b, r);
        dBlock = blocks(d, b, 1, t);
        dZBlock = blocks(dZ, b, 1, t);
    }

    @Override
    void forwardSteps(INDArray rw, boolean withState, Profiler profiler) {
        for (int s = 0; s < t; s++) {
            if (s > 0 || withState) {
                products.gemm(hBlock[s], false, rw, false, hBlock[s + 1], 1, 1);
                profiler.lap(Phase.FORWARD_STEP_GEMM);
            }
            ex.exec(new Tanh(hBlock[s + 1], hBlock[s + 1]));
            profiler.lap(Phase.FORWARD_STEP_ELEMENTWISE);
        }
    }

    @Override
    void factors() {
        ex.exec(new MulOp(hx, hx, d));
        ex.exec(new ScalarReverseSubtraction(d, d, 1.0));
    }

    @Override
    void backwardSteps(INDArray rw, Profiler profiler) {
        for (int s = t - 1; s >= 0; s--) {
            ex.exec(new MulOp(dHBlock[s], dBlock[s], dZBlock[s]));
            profiler.lap(Phase.BACKWARD_STEP_ELEMENTWISE);
            if (s > 0) {
                products.gemm(dZBlock[s], false, rw, true, dHBlock[s - 1], 1, 1);
                profiler.lap(Phase.BACKWARD_STEP_GEMM);
            }
        }
    }
}
