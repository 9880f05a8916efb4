package org.deeprnn.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures how fast ND4J's BLAS (OpenBLAS on the CPU backend) multiplies single-precision matrices
 * of a recurrent model's shapes, for the training benchmark's floor: the per-step products
 * ([batch x h] times [h x g h], and the transposed one of the backward pass) and the whole-sequence
 * products of the input projections and weight gradients ([steps batch x h] times [h x g h], ...),
 * with g = 4 for the LSTM and 1 for the plain RNN. Each shape runs with 1 BLAS thread and with one
 * per core; the faster counts as the machine's speed.
 */
public final class GemmProbe {
    private GemmProbe() {
    }

    /** GFLOP/s of the per-step and whole-sequence products of both cells. */
    public record Rates(double stepLstm, double stepRnn, double sequenceLstm, double sequenceRnn) {
    }

    /** OpenBLAS threads currently set (ND4J sets one per core unless told otherwise). */
    public static int blasThreads() {
        return cpuReason() == null ? openblas_nolapack.blas_get_num_threads() : -1;
    }

    /** Times the model's product shapes and prints one line per shape. */
    public static Rates measure(int batch, int steps, int hidden, PrintStream out) {
        String reason = cpuReason();
        if (reason != null) {
            throw new IllegalStateException("Cannot measure matrix products: " + reason);
        }
        int saved = openblas_nolapack.blas_get_num_threads();
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            double stepLstm = rate(out, cores, new Shape("per step: H_t-1 RW", batch, 4 * hidden, hidden, false, false),
                    new Shape("per step: dZ_t RW^T", batch, hidden, 4 * hidden, false, true));
            double stepRnn = rate(out, cores, new Shape("per step: H_t-1 RW", batch, hidden, hidden, false, false),
                    new Shape("per step: dZ_t RW^T", batch, hidden, hidden, false, true));
            int n = batch * steps;
            double seqLstm = rate(out, cores, new Shape("sequence: X W", n, 4 * hidden, hidden, false, false),
                    new Shape("sequence: X^T dZ", hidden, 4 * hidden, n, true, false),
                    new Shape("sequence: dZ W^T", n, hidden, 4 * hidden, false, true));
            double seqRnn = rate(out, cores, new Shape("sequence: X W", n, hidden, hidden, false, false),
                    new Shape("sequence: X^T dZ", hidden, hidden, n, true, false),
                    new Shape("sequence: dZ W^T", n, hidden, hidden, false, true));
            return new Rates(stepLstm, stepRnn, seqLstm, seqRnn);
        } finally {
            openblas_nolapack.blas_set_num_threads(saved);
        }
    }

    /** C[m x n] = op(A) op(B) with inner dimension k. */
    private record Shape(String name, int m, int n, int k, boolean transA, boolean transB) {
        double flop() {
            return 2.0 * m * n * k;
        }
    }

    /** Combined rate of a group of shapes (total FLOP over total time), each at its best thread count. */
    private static double rate(PrintStream out, int cores, Shape... shapes) {
        double flop = 0, seconds = 0;
        for (Shape s : shapes) {
            INDArray a = Nd4j.rand(DataType.FLOAT, s.transA() ? s.k() : s.m(), s.transA() ? s.m() : s.k());
            INDArray b = Nd4j.rand(DataType.FLOAT, s.transB() ? s.n() : s.k(), s.transB() ? s.k() : s.n());
            INDArray c = Nd4j.create(DataType.FLOAT, s.m(), s.n());
            double best = Double.MAX_VALUE;
            int bestThreads = 1;
            StringBuilder detail = new StringBuilder();
            for (int threads : cores > 1 ? new int[]{1, cores} : new int[]{1}) {
                openblas_nolapack.blas_set_num_threads(threads);
                double t = medianSeconds(a, s.transA(), b, s.transB(), c, s.flop());
                detail.append(String.format(Locale.ROOT, "  %d thr %6.1f GFLOP/s", threads, s.flop() / t / 1e9));
                if (t < best) {
                    best = t;
                    bestThreads = threads;
                }
            }
            if (out != null) {
                out.printf(Locale.ROOT, "   %-22s [%4d x %4d] x [%4d x %4d] %8.3f ms  best %2d thread(s)%s%n", s.name(), s.m(), s.k(),
                        s.k(), s.n(), best * 1e3, bestThreads, detail);
            }
            flop += s.flop();
            seconds += best;
        }
        return flop / seconds / 1e9;
    }

    private static double medianSeconds(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c, double flop) {
        int inner = (int) Math.max(1, Math.min(200, 2e8 / flop)); // about 0.2 GFLOP per sample
        for (int i = 0; i < inner; i++) {
            sgemm(a, ta, b, tb, c);
        }
        double[] samples = new double[9];
        for (int r = 0; r < samples.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                sgemm(a, ta, b, tb, c);
            }
            samples[r] = (System.nanoTime() - t0) / 1e9 / inner;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    /** Null on ND4J's CPU backend, whose products run on the OpenBLAS this probe calls; otherwise why it cannot run. */
    private static String cpuReason() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        return backend.contains("Cpu") ? null : "the ND4J backend is " + backend + ", not the CPU backend";
    }

    /** C = op(A) op(B) on fresh row-major FLOAT arrays, straight through OpenBLAS's cblas_sgemm. */
    private static void sgemm(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c) {
        int m = (int) c.size(0), n = (int) c.size(1), k = (int) (ta ? a.size(0) : a.size(1));
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f,
                (FloatPointer) a.data().addressPointer(), (int) a.size(1), (FloatPointer) b.data().addressPointer(), (int) b.size(1),
                0f, (FloatPointer) c.data().addressPointer(), n);
    }
}
