package org.deeprnn.bench;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The benchmark's table (stdout) and CSV, from the timings of every workload and path. */
final class BenchmarkReport {
    private BenchmarkReport() {
    }

    /** Timings of one path on one workload: {@code ms[round][iteration]}; peers' paths start with {@code torch-} or {@code libtorch-}. */
    record Result(Workload w, String path, double[][] ms, GemmProbe.Floor floor) {
        boolean isPeer() {
            return PeerProcess.isPeerPath(path);
        }

        /** Median of the round medians. */
        double median() {
            return BenchmarkReport.median(Arrays.stream(ms).mapToDouble(BenchmarkReport::median).toArray());
        }

        double roundMedian(int r) {
            return BenchmarkReport.median(ms[r]);
        }

        /** Percentile over every timed iteration of every round. */
        double percentile(double p) {
            return BenchmarkReport.percentile(Arrays.stream(ms).flatMapToDouble(Arrays::stream).toArray(), p);
        }

        double floorMs() {
            return floor == null ? Double.NaN : floor.ms();
        }
    }

    static double median(double[] v) {
        return percentile(v, 50);
    }

    static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = p / 100 * (s.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    /**
     * Speed relative to the best peer: per round, the faster peer's median divided by this path's
     * median (above 1: faster than PyTorch at its best thread count), then the median over rounds.
     */
    static double versusPeer(Result r, List<Result> all) {
        List<Result> peers = all.stream().filter(x -> x.w().equals(r.w()) && x.isPeer()).toList();
        if (peers.isEmpty()) {
            return Double.NaN;
        }
        double[] ratios = new double[r.ms().length];
        for (int k = 0; k < ratios.length; k++) {
            final int round = k;
            double best = peers.stream().mapToDouble(p -> p.roundMedian(round)).min().orElseThrow();
            ratios[k] = best / r.roundMedian(k);
        }
        return median(ratios);
    }

    /** Speed-up against DL4J's own fit on the same workload (above 1: faster). */
    static double versusFit(Result r, List<Result> all) {
        return all.stream().filter(x -> x.w().equals(r.w()) && x.path().equals("dl4j-fit"))
                .mapToDouble(x -> x.median() / r.median()).findFirst().orElse(Double.NaN);
    }

    /** The table of every result, headed by the load it ran under ({@code --load}). */
    static String table(List<Result> results, int load) {
        StringBuilder s = new StringBuilder();
        s.append(BusyLoad.describe(load)).append('\n');
        s.append(String.format(Locale.ROOT, "%-10s %2s %-14s %9s %17s %10s %8s %8s %8s %8s %8s  %s%n",
                "cell", "L", "path", "ms/iter", "p10-p90 ms", "tokens/s", "GFLOP/s", "floor", "of floor", "vs fit", "vs peer",
                "shape"));
        for (Result r : results) {
            double gflop = r.w().flop() / 1e9;
            s.append(String.format(Locale.ROOT, "%-10s %2d %-14s %9.1f %8.1f-%-8.1f %10.0f %8.1f %8s %8s %8s %8s  %s%n",
                    r.w().cell(), r.w().layers(), r.path(), r.median(), r.percentile(10), r.percentile(90),
                    r.w().tokens() / (r.median() / 1000), gflop / (r.median() / 1000), cell("%.1f", r.floorMs()),
                    cell("%.0f%%", 100 * r.floorMs() / r.median()), cell("%.2fx", versusFit(r, results)),
                    cell("%.2fx", versusPeer(r, results)), r.w().shape()));
        }
        s.append("""
                ms/iter: median over rounds of each round's median; p10-p90 over all timed iterations.
                floor: the iteration's matrix products alone, each at the fastest library and thread count measured
                (see the probe lines); 'of floor' = floor / ms/iter. vs fit: speed-up against dl4j-fit.
                vs peer: speed against the fastest peer of the same round (every PyTorch and libtorch thread count run;
                above 1: faster), median over rounds.""");
        return s.toString();
    }

    /** One number of the table, or a dash where there is none (no floor, no fit, no peer). */
    private static String cell(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    static String csv(List<Result> results, BenchmarkOptions o) {
        StringBuilder s = new StringBuilder();
        s.append("cell,layers,hidden,batch,steps,vocab,path,rounds,reps,median_ms,p10_ms,p90_ms,min_ms,max_ms,round_medians_ms,"
                + "tokens_per_s,gflop_per_iter,achieved_gflops,floor_ms,floor_by,fraction_of_floor,speedup_vs_fit,"
                + "speed_vs_peer_best,omp_num_threads,nd4j_max_threads,blas_threads,busy_processes\n");
        for (Result r : results) {
            Workload w = r.w();
            double gflop = w.flop() / 1e9;
            String rounds = Arrays.stream(r.ms()).map(m -> String.format(Locale.ROOT, "%.3f", median(m)))
                    .collect(Collectors.joining(";"));
            s.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%.0f,%.4f,%.2f,%.3f,%s,%.4f,%.4f,%.4f,%s,%d,%d,%d%n",
                    w.cell(), w.layers(), w.hidden(), w.batch(), w.steps(), w.vocab(), r.path(), r.ms().length, r.ms()[0].length,
                    r.median(), r.percentile(10), r.percentile(90), r.percentile(0), r.percentile(100), rounds,
                    w.tokens() / (r.median() / 1000), gflop, gflop / (r.median() / 1000), r.floorMs(),
                    r.floor() == null ? "" : r.floor().fastest(), r.floorMs() / r.median(), versusFit(r, results),
                    versusPeer(r, results), r.isPeer() ? r.path().replaceAll("\\D", "") : String.valueOf(System.getenv("OMP_NUM_THREADS")),
                    Nd4j.getEnvironment().maxThreads(), GemmProbe.blasThreads(), o.load));
        }
        return s.toString().replace("NaN", "");
    }
}
