package org.deeprnn.engine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products straight through the OpenBLAS that ND4J's CPU backend links ({@code cblas_sgemm} /
 * {@code cblas_dgemm}), on ND4J arrays and views of either storage order, without copies. ND4J's own
 * {@code Nd4j.gemm} goes through the {@code matmul} custom op, which costs about as much again as the
 * product itself for the small per-step products of a recurrent layer ([32 x 256] x [256 x 1024]).
 */
final class NativeGemm implements MatrixProducts {
    static final NativeGemm INSTANCE = new NativeGemm();

    private NativeGemm() {
    }

    /** Null when ND4J's matrix products run on OpenBLAS (CPU backend); otherwise why this class cannot be used. */
    static String unsupportedReason() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        if (!backend.contains("Cpu")) {
            return "the ND4J backend is " + backend + ", not the CPU backend";
        }
        Blas.Vendor vendor = Nd4j.factory().blas().getBlasVendor();
        if (vendor != Blas.Vendor.OPENBLAS) {
            return "ND4J's BLAS is " + vendor + ", not OpenBLAS";
        }
        return null;
    }

    @Override
    public String describe() {
        return "OpenBLAS products";
    }

    /**
     * C = alpha op(A) op(B) + beta C for 2-D arrays A, B, C of one floating-point type, each stored
     * row-major or column-major with unit stride along one dimension (views included).
     */
    @Override
    public void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        long n = transB ? b.size(0) : b.size(1);
        if (k != kb || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("gemm shapes do not match: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + ", C " + c.size(0) + "x" + c.size(1));
        }
        if (isRowMajor(c)) {
            rowMajorProduct(a, transA, b, transB, c, m, n, k, alpha, beta);
        } else {
            // A column-major C is the row-major C^T = op(B)^T op(A)^T.
            rowMajorProduct(b, !transB, a, !transA, c, n, m, k, alpha, beta);
        }
    }

    private static void rowMajorProduct(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c,
                                        long m, long n, long k, double alpha, double beta) {
        // A column-major operand is the row-major transpose of itself: flip its transpose flag.
        boolean ta = transA ^ !isRowMajor(a);
        boolean tb = transB ^ !isRowMajor(b);
        int lda = leadingDimension(a), ldb = leadingDimension(b), ldc = leadingDimension(c);
        int opA = ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int opB = tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        DataType type = c.dataType();
        if (a.dataType() != type || b.dataType() != type) {
            throw new IllegalArgumentException("gemm needs one data type, got " + a.dataType() + ", " + b.dataType() + ", " + type);
        }
        if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, opA, opB, (int) m, (int) n, (int) k, (float) alpha,
                    (FloatPointer) a.data().addressPointer(), lda, (FloatPointer) b.data().addressPointer(), ldb,
                    (float) beta, (FloatPointer) c.data().addressPointer(), ldc);
        } else if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, opA, opB, (int) m, (int) n, (int) k, alpha,
                    (DoublePointer) a.data().addressPointer(), lda, (DoublePointer) b.data().addressPointer(), ldb,
                    beta, (DoublePointer) c.data().addressPointer(), ldc);
        } else {
            throw new IllegalArgumentException("gemm supports FLOAT and DOUBLE, got " + type);
        }
    }

    /** Unit stride along the columns (each row contiguous); a 2-D array with neither unit stride is rejected. */
    static boolean isRowMajor(INDArray x) {
        requireMatrix(x);
        long[] s = x.stride();
        if (s[1] == 1 && (s[0] >= x.size(1) || x.size(0) == 1)) {
            return true;
        }
        if (s[0] == 1 && (s[1] >= x.size(0) || x.size(1) == 1)) {
            return false;
        }
        throw new IllegalArgumentException("gemm operand has no unit stride: shape " + x.size(0) + "x" + x.size(1)
                + ", strides " + s[0] + "," + s[1]);
    }

    private static int leadingDimension(INDArray x) {
        long[] s = x.stride();
        long ld = isRowMajor(x) ? Math.max(s[0], x.size(1)) : Math.max(s[1], x.size(0));
        return (int) Math.max(1, ld);
    }

    private static void requireMatrix(INDArray x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("gemm operands are 2-D, got shape " + java.util.Arrays.toString(x.shape()));
        }
    }
}
