package org.deeprnn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The layer normalisation of a {@link GRU}'s gate products, for {@link GRULayer}: over the h units of
 * each gate block of dimension 1, separately for every example (and step), LN(a) = (a - mean(a)) s
 * with s = 1 / sqrt(var(a) + {@link #EPSILON}), and its exact derivative. Arrays are [batch, blocks h]
 * (one step) or [batch, blocks h, steps] (all steps at once); the scales s are kept as
 * [batch, blocks] or [batch, blocks, steps] for the backward pass.
 */
final class GateNorm {
    /** Added to the variance, as in PyTorch's {@code LayerNorm}: keeps a constant block (a zero state) finite. */
    static final double EPSILON = 1e-5;

    private GateNorm() {
    }

    /** Replaces every h-wide block of {@code a} by its normalised values and writes each block's scale s into {@code scale}. */
    static void normalise(INDArray a, INDArray scale, long h) {
        for (int k = 0; k < scale.size(1); k++) {
            INDArray block = a.get(along1(a.rank(), k * h, (k + 1) * h));
            block.subi(block.mean(true, 1));
            INDArray s = block.mul(block).mean(true, 1).addi(EPSILON);
            Transforms.sqrt(s, false).rdivi(1.0);
            block.muli(s);
            scale.get(along1(scale.rank(), k, k + 1)).assign(s);
        }
    }

    /**
     * The gradient with respect to the unnormalised products, written into {@code out}, from the
     * gradient {@code dNormalised} with respect to the normalised values LN(a) (gain applied), the
     * normalised values themselves and the scales of {@link #normalise}: per block
     * dA = s (dN - mean(dN) - LN(a) mean(dN LN(a))).
     */
    static void backward(INDArray dNormalised, INDArray normalised, INDArray scale, long h, INDArray out) {
        for (int k = 0; k < scale.size(1); k++) {
            INDArrayIndex[] units = along1(out.rank(), k * h, (k + 1) * h);
            INDArray d = dNormalised.get(units);
            INDArray n = normalised.get(units);
            INDArray meanD = d.mean(true, 1);
            INDArray meanDN = d.mul(n).mean(true, 1);
            out.get(units).assign(d.sub(meanD).subi(n.mul(meanDN)).muli(scale.get(along1(scale.rank(), k, k + 1))));
        }
    }

    /** Columns [from, to) of dimension 1, everything of the others. */
    private static INDArrayIndex[] along1(int rank, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            index[i] = i == 1 ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return index;
    }
}
