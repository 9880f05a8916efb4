package org.deeprnn.bench;

import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * oneDNN's {@code dnnl_sgemm} for the benchmark's floor, absent from it where oneDNN's natives do not
 * load. oneDNN runs its products on OpenMP threads, set through ND4J (see {@link #threads(int)}).
 */
final class DnnlSgemm implements Sgemm {
    private int saved = -1;

    private DnnlSgemm() {
    }

    /** The backend, or null with the reason in {@code why[0]} when oneDNN is not available. */
    static DnnlSgemm find(String[] why) {
        if (OneDnnGradient.available()) {
            return new DnnlSgemm();
        }
        why[0] = OneDnnGradient.unavailableReason();
        return null;
    }

    @Override
    public String name() {
        return "onednn";
    }

    /**
     * oneDNN's OpenMP threads for the calling thread's next products: its {@code libgomp.so.1} is the
     * one ND4J has loaded already, so ND4J's {@code omp_set_num_threads} reaches it. ND4J's own loops
     * started from this thread would follow too, which is why {@link #restoreThreads()} puts it back.
     */
    @Override
    public void threads(int n) {
        if (saved < 0) {
            saved = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        }
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
    }

    @Override
    public void restoreThreads() {
        if (saved > 0) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(saved);
        }
    }

    @Override
    public void multiply(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b, int ldb,
                         FloatPointer c, int ldc) {
        int status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, 1f, a, lda, b, ldb,
                0f, c, ldc);
        if (status != 0) {
            throw new IllegalStateException("dnnl_sgemm returned status " + status + " for " + m + "x" + k + " times " + k + "x" + n);
        }
    }
}
