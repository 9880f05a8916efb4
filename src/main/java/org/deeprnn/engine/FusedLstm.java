package org.deeprnn.engine;

import org.deeprnn.engine.FusedRnnGradient.Phase;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;

import static org.deeprnn.engine.Layout.blocks;
import static org.deeprnn.engine.Layout.colBlocks;
import static org.deeprnn.engine.Layout.cols;
import static org.deeprnn.engine.Layout.gateBlocks;
import static org.deeprnn.engine.Layout.rows;

/** DL4J's LSTM: gate blocks [block input (tanh) | forget | output | input gate] within 4h, no peepholes. */
final class FusedLstm extends FusedRecurrent {
    /** Gate pre-activations, activated in place: [R, 4h], block s + 1 for step s. */
    private INDArray z;
    /** Cell states [R, h] (block 0 initial), tanh of the cell [R, h], derivative factors [R, 4h] and [R, h]. */
    private INDArray cx, tc, f, k;
    /** Gradients w.r.t. the gate pre-activations [R, 4h] and the cell [R, h]. */
    private INDArray dZ, dC;
    /** Per-step blocks of the arrays above and of their gate columns. */
    private INDArray[] zBlock, zG, zF, zO, zI, zSig, cBlock, tcBlock, fG, fF, fO, fI, kBlock, dCBlock, dZBlock, dZG, dZF, dZO, dZI;

    FusedLstm(int index, int nIn, int h, INDArray gW, INDArray gRW, INDArray gb, MatrixProducts products) {
        super("LSTM", index, nIn, h, gW, gRW, gb, products);
    }

    @Override
    void layoutCell(Buffers buffers, long r) {
        long g = 4L * h;
        z = buffers.columnMajor(r, g);
        dZ = buffers.columnMajor(r, g);
        projection = rows(z, b, r);
        biased = z;
        preActivationGradient = rows(dZ, b, r);
        f = buffers.columnMajor(r, g);
        cx = buffers.columnMajor(r, h);
        tc = buffers.columnMajor(r, h);
        k = buffers.columnMajor(r, h);
        dC = buffers.columnMajor(r, h);
        zBlock = blocks(z, b, 1, t);
        INDArray[][] zGates = gateBlocks(zBlock, h, 4);
        zG = zGates[0];
        zF = zGates[1];
        zO = zGates[2];
        zI = zGates[3];
        zSig = colBlocks(zBlock, h, g);
        cBlock = blocks(cx, b, 0, t + 1);
        tcBlock = blocks(tc, b, 1, t);
        INDArray[][] fGates = gateBlocks(blocks(f, b, 1, t), h, 4);
        fG = fGates[0];
        fF = fGates[1];
        fO = fGates[2];
        fI = fGates[3];
        kBlock = blocks(k, b, 1, t);
        dCBlock = blocks(dC, b, 1, t);
        dZBlock = blocks(dZ, b, 1, t);
        INDArray[][] dZGates = gateBlocks(dZBlock, h, 4);
        dZG = dZGates[0];
        dZF = dZGates[1];
        dZO = dZGates[2];
        dZI = dZGates[3];
    }

    @Override
    INDArray[] stateArrays() {
        return new INDArray[]{hx, cx};
    }

    @Override
    void forwardSteps(INDArray rw, boolean withState, Profiler profiler) {
        for (int s = 0; s < t; s++) {
            boolean fromState = s > 0 || withState;
            if (fromState) {
                products.gemm(hBlock[s], false, rw, false, zBlock[s], 1, 1);
                profiler.lap(Phase.FORWARD_STEP_GEMM);
            }
            ex.exec(new Sigmoid(zSig[s], zSig[s]));
            ex.exec(new Tanh(zG[s], zG[s]));
            INDArray c = cBlock[s + 1], tmp = dCBlock[s]; // dC is free until the backward pass
            if (fromState) {
                ex.exec(new MulOp(zF[s], cBlock[s], c));
                ex.exec(new MulOp(zI[s], zG[s], tmp));
                ex.exec(new AddOp(c, tmp, c));
            } else {
                ex.exec(new MulOp(zI[s], zG[s], c));
            }
            ex.exec(new Tanh(c, tcBlock[s]));
            ex.exec(new MulOp(zO[s], tcBlock[s], hBlock[s + 1]));
            profiler.lap(Phase.FORWARD_STEP_ELEMENTWISE);
        }
    }

    /**
     * On contiguous columns of all steps: dZ_g = dc i (1 - g^2), dZ_f = dc c_{t-1} f (1 - f),
     * dZ_o = dh tanh(c) o (1 - o), dZ_i = dc g i (1 - i), and the part of dc that comes from the
     * step's own output, dh o (1 - tanh(c)^2): here the factors of dc and dh.
     */
    @Override
    void factors() {
        long r = (long) (t + 1) * b;
        INDArray g = cols(z, 0, h), fg = cols(z, h, 2L * h), o = cols(z, 2L * h, 3L * h), i = cols(z, 3L * h, 4L * h);
        INDArray kg = cols(f, 0, h), kf = cols(f, h, 2L * h), ko = cols(f, 2L * h, 3L * h), ki = cols(f, 3L * h, 4L * h);
        ex.exec(new MulOp(g, g, kg));
        ex.exec(new ScalarReverseSubtraction(kg, kg, 1.0));
        ex.exec(new MulOp(kg, i, kg));
        ex.exec(new TimesOneMinus(fg, kf));
        INDArray kfSeq = rows(kf, b, r);
        ex.exec(new MulOp(kfSeq, rows(cx, 0, r - b), kfSeq));
        ex.exec(new TimesOneMinus(o, ko));
        ex.exec(new MulOp(ko, tc, ko));
        ex.exec(new TimesOneMinus(i, ki));
        ex.exec(new MulOp(ki, g, ki));
        ex.exec(new MulOp(tc, tc, k));
        ex.exec(new ScalarReverseSubtraction(k, k, 1.0));
        ex.exec(new MulOp(k, o, k));
    }

    @Override
    void backwardSteps(INDArray rw, Profiler profiler) {
        for (int s = t - 1; s >= 0; s--) {
            INDArray dc = dCBlock[s];
            ex.exec(new MulOp(dHBlock[s], kBlock[s], dc));
            if (s < t - 1) {
                INDArray tmp = dZG[s]; // overwritten below
                ex.exec(new MulOp(dCBlock[s + 1], zF[s + 1], tmp));
                ex.exec(new AddOp(dc, tmp, dc));
            }
            ex.exec(new MulOp(dc, fG[s], dZG[s]));
            ex.exec(new MulOp(dc, fF[s], dZF[s]));
            ex.exec(new MulOp(dc, fI[s], dZI[s]));
            ex.exec(new MulOp(dHBlock[s], fO[s], dZO[s]));
            profiler.lap(Phase.BACKWARD_STEP_ELEMENTWISE);
            if (s > 0) {
                products.gemm(dZBlock[s], false, rw, true, dHBlock[s - 1], 1, 1);
                profiler.lap(Phase.BACKWARD_STEP_GEMM);
            }
        }
    }
}
