package org.deeprnn.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Views on the fused engine's column-major per-layer arrays. Every such array has
 * R = (steps + 1) * batch rows: row block k (rows k*batch .. (k+1)*batch) belongs to step k - 1, and
 * block 0 holds the state the batch starts from (or nothing). So one gate of all steps is a
 * contiguous column block (the batched element-wise work before the backward loop runs on
 * contiguous memory); the per-step blocks of all arrays have the same strides, which ND4J's
 * element-wise loops handle about twice as fast as mixed layouts; and rows batch..R are the whole
 * sequence as one matrix for the batched products, rows 0..R-batch the same sequence one step
 * earlier (the previous hidden state of every step).
 */
final class Layout {

    private Layout() {
    }

    /** Rows [from, to) of a matrix: a view. */
    static INDArray rows(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** Columns [from, to) of a matrix: a view (contiguous for a column-major matrix). */
    static INDArray cols(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    /** Columns [from, to) of every block. */
    static INDArray[] colBlocks(INDArray[] blocks, long from, long to) {
        INDArray[] out = new INDArray[blocks.length];
        for (int s = 0; s < blocks.length; s++) {
            out[s] = cols(blocks[s], from, to);
        }
        return out;
    }

    /** The {@code gates} column blocks of width {@code h} of every block: element [k][s] is gate k of block s. */
    static INDArray[][] gateBlocks(INDArray[] blocks, long h, int gates) {
        INDArray[][] out = new INDArray[gates][];
        for (int k = 0; k < gates; k++) {
            out[k] = colBlocks(blocks, k * h, (k + 1) * h);
        }
        return out;
    }

    /** Row blocks {@code first .. first + count - 1} of a [R, width] matrix with {@code b} rows per block, one per step. */
    static INDArray[] blocks(INDArray m, int b, int first, int count) {
        INDArray[] out = new INDArray[count];
        for (int k = 0; k < count; k++) {
            out[k] = rows(m, (long) (first + k) * b, (long) (first + k + 1) * b);
        }
        return out;
    }

    /** Elements [from, to) of a contiguous column-major matrix in storage order, as a vector view. */
    static INDArray storageRange(INDArray m, long from, long to) {
        INDArray v = m.reshape('f', new long[]{m.length()});
        if (v.data().addressPointer().address() != m.data().addressPointer().address()) {
            throw new IllegalStateException("Could not view a " + Arrays.toString(m.shape()) + " matrix as a vector without copying");
        }
        return v.get(NDArrayIndex.interval(from, to));
    }
}
