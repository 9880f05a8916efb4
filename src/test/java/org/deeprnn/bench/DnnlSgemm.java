package org.deeprnn.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * oneDNN's {@code dnnl_sgemm} for the benchmark's floor, found at run time: the project's build does
 * not depend on {@code org.bytedeco:dnnl}, so this class looks it up by name and is simply absent
 * from the floor when the classes or their natives are not on the class path. oneDNN runs its
 * products on OpenMP threads, set through ND4J (see {@link #threads(int)}).
 */
final class DnnlSgemm implements Sgemm {
    private static final String CLASS = "org.bytedeco.dnnl.global.dnnl";
    private final MethodHandle sgemm;
    private int saved = -1;

    private DnnlSgemm(MethodHandle sgemm) {
        this.sgemm = sgemm;
    }

    /** The backend, or null with the reason in {@code why[0]} when oneDNN is not available. */
    static DnnlSgemm find(String[] why) {
        try {
            Class<?> c = Class.forName(CLASS, true, DnnlSgemm.class.getClassLoader());
            MethodType type = MethodType.methodType(int.class, byte.class, byte.class, long.class, long.class, long.class,
                    float.class, FloatPointer.class, long.class, FloatPointer.class, long.class, float.class, FloatPointer.class,
                    long.class);
            return new DnnlSgemm(MethodHandles.publicLookup().findStatic(c, "dnnl_sgemm", type));
        } catch (ClassNotFoundException e) {
            why[0] = "org.bytedeco:dnnl is not on the class path";
        } catch (NoSuchMethodException | IllegalAccessException e) {
            why[0] = "this org.bytedeco:dnnl has no dnnl_sgemm(char, char, ..., FloatPointer, ...): " + e.getMessage();
        } catch (LinkageError | RuntimeException e) {
            why[0] = "oneDNN's natives did not load (" + e + ")";
        }
        return null;
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public int[] threadCounts(int cores) {
        return cores > 1 ? new int[]{1, cores} : new int[]{1};
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
        int status;
        try {
            status = (int) sgemm.invokeExact((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), (long) m, (long) n, (long) k,
                    1f, a, (long) lda, b, (long) ldb, 0f, c, (long) ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("dnnl_sgemm failed", t);
        }
        if (status != 0) {
            throw new IllegalStateException("dnnl_sgemm returned status " + status + " for " + m + "x" + k + " times " + k + "x" + n);
        }
    }
}
