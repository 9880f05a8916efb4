package org.deeprnn.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The training benchmark's floor: the time one iteration's matrix products alone take (the list of
 * {@link Workload#products()}), each shape timed with every library of {@link #backends()} at each
 * thread count it offers and counted at the fastest. No engine that does these products can beat it,
 * whichever library it calls.
 */
public final class GemmProbe {
    private GemmProbe() {
    }

    /** Floor of one workload: milliseconds per iteration and the libraries that set it. */
    public record Floor(double ms, String fastest) {
    }

    /**
     * The libraries the floor is taken over: OpenBLAS always, oneDNN's {@code dnnl_sgemm} when
     * {@code org.bytedeco:dnnl} is on the class path. This is the one place another matrix product
     * plugs in: add its {@link Sgemm} here.
     */
    static List<Sgemm> backends(PrintStream out) {
        List<Sgemm> list = new ArrayList<>();
        list.add(new Sgemm.OpenBlas());
        String[] why = new String[1];
        DnnlSgemm dnnl = DnnlSgemm.find(why);
        if (dnnl != null) {
            list.add(dnnl);
        } else if (out != null) {
            out.println("   (no oneDNN in the floor: " + why[0] + ")");
        }
        return list;
    }

    /** OpenBLAS threads currently set (ND4J sets one per core unless told otherwise); -1 off the CPU backend. */
    public static int blasThreads() {
        return cpuReason() == null ? openblas_nolapack.blas_get_num_threads() : -1;
    }

    /** Null on ND4J's CPU backend, whose arrays live in host memory; otherwise why the probe cannot run. */
    static String cpuReason() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        return backend.contains("Cpu") ? null : "the ND4J backend is " + backend + ", not the CPU backend";
    }

    /** Times each distinct product shape of {@code w} and prints one line per shape. */
    static Floor measure(Workload w, List<Sgemm> backends, PrintStream out) {
        String reason = cpuReason();
        if (reason != null) {
            throw new IllegalStateException("Cannot measure matrix products: " + reason);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Workload.Product> products = w.products();
        double seconds = 0;
        List<String> winners = new ArrayList<>();
        try {
            for (int i = 0; i < products.size(); i++) {
                Workload.Product p = products.get(i);
                Workload.Product first = products.stream().filter(p::sameShape).findFirst().orElseThrow();
                if (first != p) {
                    continue; // timed with the first product of this shape
                }
                long count = products.stream().filter(p::sameShape).mapToLong(Workload.Product::count).sum();
                Timed best = time(p, backends, cores);
                seconds += count * best.seconds;
                if (!winners.contains(best.by)) {
                    winners.add(best.by);
                }
                if (out != null) {
                    out.printf(Locale.ROOT, "   %-22s [%5d x %5d] x [%5d x %5d] x%-5d %9.4f ms  best %-11s%s%n", p.name(), p.m(), p.k(),
                            p.k(), p.n(), count, best.seconds * 1e3, best.by, best.detail);
                }
            }
        } finally {
            backends.forEach(Sgemm::restoreThreads);
        }
        return new Floor(seconds * 1e3, String.join("+", winners));
    }

    private record Timed(double seconds, String by, String detail) {
    }

    private static Timed time(Workload.Product p, List<Sgemm> backends, int cores) {
        INDArray a = Nd4j.rand(DataType.FLOAT, p.transA() ? p.k() : p.m(), p.transA() ? p.m() : p.k());
        INDArray b = Nd4j.rand(DataType.FLOAT, p.transB() ? p.n() : p.k(), p.transB() ? p.k() : p.n());
        INDArray c = Nd4j.create(DataType.FLOAT, p.m(), p.n());
        double best = Double.MAX_VALUE;
        String by = "";
        StringBuilder detail = new StringBuilder();
        for (Sgemm g : backends) {
            for (int threads : g.threadCounts(cores)) {
                g.threads(threads);
                double t = fastestSeconds(g, p, a, b, c);
                detail.append(String.format(Locale.ROOT, "  %s/%d %5.1f", g.name(), threads, p.flop() / t / 1e9));
                if (t < best) {
                    best = t;
                    by = g.name() + "/" + threads;
                }
            }
        }
        return new Timed(best, by, detail.append(" GFLOP/s").toString());
    }

    /** The fastest of a few timed samples (a floor: noise from other jobs only ever adds). */
    private static double fastestSeconds(Sgemm g, Workload.Product p, INDArray a, INDArray b, INDArray c) {
        int inner = (int) Math.max(1, Math.min(200, 5e7 / p.flop())); // about 0.05 GFLOP per sample
        FloatPointer pa = (FloatPointer) a.data().addressPointer(), pb = (FloatPointer) b.data().addressPointer(),
                pc = (FloatPointer) c.data().addressPointer();
        int lda = (int) a.size(1), ldb = (int) b.size(1), ldc = (int) c.size(1);
        for (int i = 0; i < inner; i++) {
            g.multiply(p.transA(), p.transB(), p.m(), p.n(), p.k(), pa, lda, pb, ldb, pc, ldc);
        }
        double[] samples = new double[15];
        for (int r = 0; r < samples.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                g.multiply(p.transA(), p.transB(), p.m(), p.n(), p.k(), pa, lda, pb, ldb, pc, ldc);
            }
            samples[r] = (System.nanoTime() - t0) / 1e9 / inner;
        }
        return Arrays.stream(samples).min().orElseThrow();
    }
}
