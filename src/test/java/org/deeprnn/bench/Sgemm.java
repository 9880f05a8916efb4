package org.deeprnn.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A single-precision matrix product of row-major arrays, {@code C = op(A) op(B)}, from one library;
 * the benchmark's floor takes the fastest of those {@link GemmProbe#backends()} lists.
 */
interface Sgemm {
    /** Name in the probe's lines, e.g. {@code openblas}. */
    String name();

    /** The thread counts worth timing on a machine with {@code cores} cores: one, and all of them. */
    default int[] threadCounts(int cores) {
        return cores > 1 ? new int[]{1, cores} : new int[]{1};
    }

    /** Sets the library's thread count for the following products (see {@link #restoreThreads()}). */
    void threads(int n);

    /** Puts back the thread count found before the first {@link #threads(int)} call. */
    void restoreThreads();

    /** C[m x n] = op(A) op(B), inner size k; lda, ldb, ldc are the row strides of the stored arrays. */
    void multiply(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b, int ldb,
                  FloatPointer c, int ldc);

    /** OpenBLAS through {@code cblas_sgemm}, the library ND4J's CPU backend runs its products on. */
    final class OpenBlas implements Sgemm {
        private int saved = -1;

        @Override
        public String name() {
            return "openblas";
        }

        @Override
        public void threads(int n) {
            if (saved < 0) {
                saved = openblas_nolapack.blas_get_num_threads();
            }
            openblas_nolapack.blas_set_num_threads(n);
        }

        @Override
        public void restoreThreads() {
            if (saved > 0) {
                openblas_nolapack.blas_set_num_threads(saved);
            }
        }

        @Override
        public void multiply(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b,
                             int ldb, FloatPointer c, int ldc) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
        }
    }
}
