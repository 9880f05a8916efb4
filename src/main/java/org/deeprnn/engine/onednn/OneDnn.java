package org.deeprnn.engine.onednn;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.function.Supplier;

/**
 * The process-wide part of the oneDNN engine: loading the natives once (or the reason they do not
 * load), the CPU engine and a stream per thread, memory descriptors over ND4J arrays, row-major products through
 * {@code dnnl_sgemm}, and oneDNN's thread count.
 * <p>
 * Threads. The preset's oneDNN runs on OpenMP and asks {@code omp_get_max_threads()} for its team size.
 * It links the same {@code libgomp} as ND4J's CPU backend, whose {@code OMP_NUM_THREADS} the project sets
 * to 1 so that ND4J's own loops do not fight OpenBLAS. OpenMP's thread count is a per-thread setting
 * (an ICV of the calling thread's task), so {@link #withThreads} sets it on the calling thread around the
 * oneDNN calls only, through ND4J's {@code setOmpNumThreads}, and puts the previous value back: no other
 * thread sees the change, and ND4J's operations in between keep their single thread.
 */
final class OneDnn {
    private static final String UNAVAILABLE;
    private static engine cpu;
    /** oneDNN's streams are not safe to share between threads that execute at the same time: one per thread. */
    private static final ThreadLocal<stream> STREAMS = ThreadLocal.withInitial(() -> new stream(cpu));

    static {
        String reason = null;
        try {
            Loader.load(dnnl.class);
            cpu = new engine(engine.kind.cpu, 0);
            STREAMS.get();
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            reason = "oneDNN's natives did not load on " + Loader.getPlatform() + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); the dnnl and opencl presets of this platform must be on the class path";
        } catch (RuntimeException e) {
            reason = "oneDNN could not create its CPU engine: " + e;
        }
        UNAVAILABLE = reason;
    }

    private OneDnn() {
    }

    /** Null when oneDNN's natives are loaded and its CPU engine works; otherwise why not. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    static engine cpu() {
        requireAvailable();
        return cpu;
    }

    static stream stream() {
        requireAvailable();
        return STREAMS.get();
    }

    private static void requireAvailable() {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE);
        }
    }

    /**
     * Attributes that make a primitive take its scratchpad as an argument ({@code DNNL_ARG_SCRATCHPAD}) instead of
     * oneDNN's shared one: the slices of a batch run the recurrent primitives on several threads at once, and
     * oneDNN 2.5's recurrent primitives crash the JVM that way with the library's scratchpad.
     */
    static primitive_attr ownScratchpad() {
        primitive_attr attr = new primitive_attr();
        attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attr;
    }

    /** A float32 memory descriptor of the given dimensions and layout. */
    static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** A oneDNN memory object over the storage of an ND4J array (no copy: both see the same floats). */
    static memory over(memory.desc desc, INDArray array) {
        long bytes = desc.get_size();
        if (bytes > array.length() * 4L) {
            throw new IllegalStateException("A " + bytes + "-byte oneDNN memory does not fit an array of " + array.length() + " floats");
        }
        return new memory(desc, cpu(), floats(array));
    }

    /** Memory that oneDNN allocates itself, in whatever layout {@code desc} says (opaque weights, workspace). */
    static memory owned(memory.desc desc) {
        return new memory(desc, cpu());
    }

    /**
     * A pointer to the first element of an ND4J array, which must be a float array stored contiguously
     * (a view at an offset included): what a oneDNN memory or a {@code dnnl_sgemm} operand reads.
     */
    static FloatPointer floats(INDArray array) {
        return new FloatPointer(at(address(array)));
    }

    /** The address of an ND4J float array's first element (its offset into a shared buffer included). */
    static long address(INDArray array) {
        if (array.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            throw new IllegalArgumentException("oneDNN's engine runs FLOAT arrays, got " + array.dataType());
        }
        return array.data().addressPointer().address();
    }

    /** An untyped pointer at an absolute address, position 0. */
    static Pointer at(long where) {
        return new Pointer() {
            {
                address = where;
            }
        };
    }

    /** Fills the {@code bytes} bytes of a oneDNN memory with zeros. */
    static void zero(memory m) {
        Pointer.memset(m.get_data_handle(), 0, m.get_desc().get_size());
    }

    /**
     * Row-major C = op(A) op(B) (beta = 0 or 1) on oneDNN's own matrix product, which runs on oneDNN's
     * threads like the primitives around it.
     */
    static void sgemm(boolean transA, boolean transB, long m, long n, long k, FloatPointer a, long lda,
                      FloatPointer b, long ldb, float beta, FloatPointer c, long ldc) {
        int status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status + " for " + m + " x " + n + " x " + k);
        }
    }

    /** Runs {@code work} with oneDNN on {@code threads} OpenMP threads of the calling thread; see the class comment. */
    static <T> T withThreads(int threads, Supplier<T> work) {
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int saved = ops.ompGetMaxThreads();
        if (saved == threads) {
            return work.get();
        }
        ops.setOmpNumThreads(threads);
        try {
            return work.get();
        } finally {
            ops.setOmpNumThreads(saved);
        }
    }

    /** Whether ND4J runs on its CPU backend, whose arrays live in host memory that oneDNN can read. */
    static String backendProblem() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        return backend.contains("Cpu") ? null : "the ND4J backend is " + backend + ", whose arrays oneDNN's CPU engine cannot read";
    }
}
