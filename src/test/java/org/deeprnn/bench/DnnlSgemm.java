package org.deeprnn.bench;

import org.bytedeco.javacpp.FloatPointer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * oneDNN's {@code dnnl_sgemm} for the benchmark's floor, found at run time: the project's build does
 * not depend on {@code org.bytedeco:dnnl}, so this class looks it up by name and is simply absent
 * from the floor when the classes or their natives are not on the class path. oneDNN runs its
 * products on its own OpenMP threads, which follow {@code OMP_NUM_THREADS} (1 in
 * {@code tools/benchmark.sh}); its preset offers no call to change them, so it is timed at that count.
 */
final class DnnlSgemm implements Sgemm {
    private static final String CLASS = "org.bytedeco.dnnl.global.dnnl";
    private final MethodHandle sgemm;

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
        } catch (LinkageError e) {
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
        return new int[]{ompThreads()};
    }

    @Override
    public void threads(int n) {
        // fixed by OMP_NUM_THREADS, see the class comment
    }

    @Override
    public void restoreThreads() {
        // nothing was changed
    }

    static int ompThreads() {
        try {
            return Math.max(1, Integer.parseInt(String.valueOf(System.getenv("OMP_NUM_THREADS")).trim()));
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
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
