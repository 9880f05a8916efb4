package org.deeprnn.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * C = alpha op(A) op(B) + beta C on 2-D arrays and their views, as the fused engine needs it. Two
 * kinds: {@link NativeGemm} calls OpenBLAS directly on the CPU backend; {@link #nd4j()} goes through
 * ND4J's own product and runs on any backend (CUDA included), at the cost of a temporary per call.
 */
interface MatrixProducts {

    void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta);

    /** A few words for descriptions of the engine. */
    String describe();

    /** OpenBLAS where ND4J runs on it, ND4J's products otherwise. */
    static MatrixProducts best() {
        return NativeGemm.unsupportedReason() == null ? NativeGemm.INSTANCE : nd4j();
    }

    /** Products through ND4J's {@code mmul}, on whatever backend ND4J runs. */
    static MatrixProducts nd4j() {
        return Nd4jProducts.INSTANCE;
    }

    /** ND4J's {@code gemm} into a temporary, then added into C: any backend, any view layout of C. */
    final class Nd4jProducts implements MatrixProducts {
        static final Nd4jProducts INSTANCE = new Nd4jProducts();

        private Nd4jProducts() {
        }

        @Override
        public void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
            INDArray product = Nd4j.gemm(a, b, transA, transB);
            if (alpha != 1) {
                product.muli(alpha);
            }
            if (beta == 0) {
                c.assign(product);
            } else {
                if (beta != 1) {
                    c.muli(beta);
                }
                c.addi(product);
            }
        }

        @Override
        public String describe() {
            return "ND4J products (any backend)";
        }
    }
}
