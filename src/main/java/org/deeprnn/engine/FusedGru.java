package org.deeprnn.engine;

import org.deeprnn.engine.FusedRnnGradient.Phase;
import org.deeprnn.layer.GRU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;

import static org.deeprnn.engine.Layout.blocks;
import static org.deeprnn.engine.Layout.colBlocks;
import static org.deeprnn.engine.Layout.cols;
import static org.deeprnn.engine.Layout.gateBlocks;
import static org.deeprnn.engine.Layout.rows;
import static org.deeprnn.engine.Layout.storageRange;

/**
 * The project's GRU ({@link GRU}, computed by {@code GRULayer}): column blocks [reset R | update Z |
 * candidate H~] within 3h, H~ = tanh(X W_xh + (R H_{t-1}) W_hh + b_h) and H_t = Z H_{t-1} + (1 - Z) H~.
 * The reset gate acts before the recurrent product, so each step needs two: H_{t-1} [W_hr | W_hz]
 * and then (R H_{t-1}) W_hh.
 */
final class FusedGru extends FusedRecurrent {
    /** Gate pre-activations, activated in place: [R, 3h], block s + 1 for step s. */
    private INDArray a;
    /** R H_{t-1}, the input of the candidate's recurrent product [R, h]; qSeq its rows of all steps. */
    private INDArray q, qSeq;
    /** dL/d(R H_{t-1}) [R, h]; scratch space while the derivative factors are computed and in the backward loop. */
    private INDArray dQ;
    /** Derivative factors [R, 3h]: H_{t-1} R (1 - R) | (H_{t-1} - H~) Z (1 - Z) | (1 - Z)(1 - H~^2). */
    private INDArray f;
    /** Gradient w.r.t. the pre-activations [R, 3h]. */
    private INDArray dA;
    /** Per-step blocks of the arrays above and of their gate columns. */
    private INDArray[] aRZ, aR, aZ, aC, qBlock, dQBlock, fR, fZ, fC, dARZ, dAR, dAZ, dAC;
    /** Whether the last forward pass started from a carried state, so that step 0 has a recurrent term too. */
    private boolean startedFromState;

    FusedGru(int index, int nIn, int h, INDArray gW, INDArray gRW, INDArray gb, MatrixProducts products) {
        super("GRU", index, nIn, h, gW, gRW, gb, products);
    }

    @Override
    void layoutCell(Buffers buffers, long r) {
        long h2 = 2L * h, h3 = 3L * h;
        a = buffers.columnMajor(r, h3);
        q = buffers.columnMajor(r, h);
        qSeq = rows(q, b, r);
        dQ = buffers.columnMajor(r, h);
        f = buffers.columnMajor(r, h3);
        dA = buffers.columnMajor(r, h3);
        projection = rows(a, b, r);
        biased = a;
        preActivationGradient = rows(dA, b, r);
        INDArray[] aBlock = blocks(a, b, 1, t);
        aRZ = colBlocks(aBlock, 0, h2);
        INDArray[][] aGates = gateBlocks(aBlock, h, 3);
        aR = aGates[0];
        aZ = aGates[1];
        aC = aGates[2];
        qBlock = blocks(q, b, 1, t);
        dQBlock = blocks(dQ, b, 1, t);
        INDArray[][] fGates = gateBlocks(blocks(f, b, 1, t), h, 3);
        fR = fGates[0];
        fZ = fGates[1];
        fC = fGates[2];
        INDArray[] dABlock = blocks(dA, b, 1, t);
        dARZ = colBlocks(dABlock, 0, h2);
        INDArray[][] dAGates = gateBlocks(dABlock, h, 3);
        dAR = dAGates[0];
        dAZ = dAGates[1];
        dAC = dAGates[2];
    }

    /** The gates' part of RW from H_{t-1}, the candidate's from R H_{t-1}. */
    @Override
    void recurrentWeightGradient(INDArray dZ) {
        long h2 = 2L * h, h3 = 3L * h;
        products.gemm(hPrev, true, cols(dZ, 0, h2), false, cols(gRW, 0, h2), 1, 0);
        products.gemm(qSeq, true, cols(dZ, h2, h3), false, cols(gRW, h2, h3), 1, 0);
    }

    @Override
    void forwardSteps(INDArray rw, boolean withState, Profiler profiler) {
        startedFromState = withState;
        INDArray rwGates = cols(rw, 0, 2L * h), rwCandidate = cols(rw, 2L * h, 3L * h);
        for (int s = 0; s < t; s++) {
            boolean fromState = s > 0 || withState;
            INDArray prev = hBlock[s], next = hBlock[s + 1];
            if (fromState) {
                products.gemm(prev, false, rwGates, false, aRZ[s], 1, 1);
                profiler.lap(Phase.FORWARD_STEP_GEMM);
            }
            ex.exec(new Sigmoid(aRZ[s], aRZ[s]));
            if (fromState) {
                ex.exec(new MulOp(aR[s], prev, qBlock[s]));
                profiler.lap(Phase.FORWARD_STEP_ELEMENTWISE);
                products.gemm(qBlock[s], false, rwCandidate, false, aC[s], 1, 1);
                profiler.lap(Phase.FORWARD_STEP_GEMM);
            } else {
                qBlock[s].assign(0); // read by the weight gradient of W_hh
            }
            ex.exec(new Tanh(aC[s], aC[s]));
            if (fromState) {
                // H~ + Z (H_{t-1} - H~)
                ex.exec(new SubOp(prev, aC[s], next));
                ex.exec(new MulOp(next, aZ[s], next));
                ex.exec(new AddOp(next, aC[s], next));
            } else {
                // (1 - Z) H~ from a zero state
                ex.exec(new MulOp(aZ[s], aC[s], next));
                ex.exec(new SubOp(aC[s], next, next));
            }
            profiler.lap(Phase.FORWARD_STEP_ELEMENTWISE);
        }
    }

    @Override
    void factors() {
        long r = (long) (t + 1) * b, h2 = 2L * h, h3 = 3L * h;
        INDArray rg = cols(a, 0, h), zg = cols(a, h, h2), cg = cols(a, h2, h3);
        INDArray fr = cols(f, 0, h), fz = cols(f, h, h2), fc = cols(f, h2, h3);
        INDArray tmp = dQ;
        ex.exec(new MulOp(cg, cg, fc));
        ex.exec(new ScalarReverseSubtraction(fc, fc, 1.0));
        ex.exec(new ScalarReverseSubtraction(zg, tmp, 1.0));
        ex.exec(new MulOp(fc, tmp, fc));
        ex.exec(new TimesOneMinus(zg, fz));
        ex.exec(new TimesOneMinus(rg, fr));
        // The factors with H_{t-1} pair every gate row with the hx row b earlier. Element-wise ops on
        // strided row ranges are several times slower than on contiguous memory, so these run on the
        // storage order shifted by b elements instead: contiguous, and the pairs that straddle two
        // columns only write block 0 of the factors, which is never read.
        long n = h * r - b;
        INDArray prevShifted = storageRange(hx, 0, n), tmpShifted = storageRange(tmp, b, b + n);
        INDArray fzShifted = storageRange(fz, b, b + n), frShifted = storageRange(fr, b, b + n);
        ex.exec(new SubOp(prevShifted, storageRange(cg, b, b + n), tmpShifted));
        ex.exec(new MulOp(fzShifted, tmpShifted, fzShifted));
        ex.exec(new MulOp(frShifted, prevShifted, frShifted));
    }

    @Override
    void backwardSteps(INDArray rw, Profiler profiler) {
        INDArray rwGates = cols(rw, 0, 2L * h), rwCandidate = cols(rw, 2L * h, 3L * h);
        for (int s = t - 1; s >= 0; s--) {
            INDArray dh = dHBlock[s], dq = dQBlock[s];
            ex.exec(new MulOp(dh, fC[s], dAC[s]));
            ex.exec(new MulOp(dh, fZ[s], dAZ[s]));
            if (s == 0 && !startedFromState) {
                dAR[s].assign(0); // R multiplies a zero state
                profiler.lap(Phase.BACKWARD_STEP_ELEMENTWISE);
                continue;
            }
            profiler.lap(Phase.BACKWARD_STEP_ELEMENTWISE);
            products.gemm(dAC[s], false, rwCandidate, true, dq, 1, 0);
            profiler.lap(Phase.BACKWARD_STEP_GEMM);
            ex.exec(new MulOp(dq, fR[s], dAR[s]));
            if (s > 0) {
                // dL/dH_{t-1} += dq R + dh Z + [dA_r | dA_z] [W_hr | W_hz]^T; dq is scratch once used
                INDArray dPrev = dHBlock[s - 1];
                ex.exec(new MulOp(dq, aR[s], dq));
                ex.exec(new AddOp(dPrev, dq, dPrev));
                ex.exec(new MulOp(dh, aZ[s], dq));
                ex.exec(new AddOp(dPrev, dq, dPrev));
                profiler.lap(Phase.BACKWARD_STEP_ELEMENTWISE);
                products.gemm(dARZ[s], false, rwGates, true, dPrev, 1, 1);
                profiler.lap(Phase.BACKWARD_STEP_GEMM);
            } else {
                profiler.lap(Phase.BACKWARD_STEP_ELEMENTWISE);
            }
        }
    }
}
