package org.deeprnn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The layer normalisation of a {@link GRU}'s gate products, for {@link GRULayer}, and its exact
 * derivative. It works on rows: each row of a [rows, h] array (row-major, so that the h units of a row
 * are contiguous, which makes the reductions fast) holds one gate block of one example (and step), and
 * is replaced by LN(a) = (a - mean(a)) s with s = 1 / sqrt(var(a) + {@link #EPSILON}); the scales s are
 * kept as [rows, 1] for the backward pass.
 */
final class GateNorm {
    /** Added to the variance, as in PyTorch's {@code LayerNorm}: keeps a constant block (a zero state) finite. */
    static final double EPSILON = 1e-5;

    private GateNorm() {
    }

    /** Replaces every row of {@code rows} by its normalised values and writes each row's scale s into {@code scale}. */
    static void normalise(INDArray rows, INDArray scale) {
        rows.subiColumnVector(rows.mean(true, 1));
        INDArray s = rows.mul(rows).mean(true, 1).addi(EPSILON);
        Transforms.sqrt(s, false).rdivi(1.0);
        rows.muliColumnVector(s);
        scale.assign(s);
    }

    /**
     * The gradient with respect to the unnormalised rows, written into {@code out}, from the gradient
     * {@code dNormalised} with respect to LN(a) (gain applied), LN(a) itself and the scales of
     * {@link #normalise}: per row dA = s (dN - mean(dN) - LN(a) mean(dN LN(a))).
     */
    static void backward(INDArray dNormalised, INDArray normalised, INDArray scale, INDArray out) {
        INDArray meanD = dNormalised.mean(true, 1);
        INDArray meanDN = dNormalised.mul(normalised).mean(true, 1);
        out.assign(dNormalised.subColumnVector(meanD).subi(normalised.mulColumnVector(meanDN)).muliColumnVector(scale));
    }
}
