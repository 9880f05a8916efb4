package org.deeprnn.bench;

import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.train.Trainer;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Training-speed benchmark of the chapter's models (run it with {@code bash tools/benchmark.sh}):
 * milliseconds per training iteration and tokens per second for SimpleRnn and LSTM with L = 1, 2, 3
 * layers of 256 units, batch 32 x 35 steps, 28-symbol one-hot vocabulary, on three paths measured
 * in one JVM and interleaved iteration by iteration, so that a busy machine slows all of them alike:
 * <ul>
 *   <li>{@code dl4j-fit}: {@code MultiLayerNetwork.fit(DataSet)}, DL4J's own training step;</li>
 *   <li>{@code trainer-dl4j}: the {@link Trainer}'s step (per-token scaling, global-norm
 *   clipping, updater) on {@link Dl4jBatchGradient};</li>
 *   <li>{@code trainer-fused}: the same step on {@link FusedRnnGradient}.</li>
 * </ul>
 * It also measures ND4J's single-precision matrix-product speed (the OpenBLAS it runs on) at the
 * model's shapes, and from it the floor: the time the iteration's matrix products alone would take
 * at those speeds. Warm-up iterations are excluded; the table gives median and spread (10th-90th
 * percentile) and is also written as CSV under {@code target/benchmark/}.
 */
public final class TrainingBenchmark {
    static final int VOCAB = 28, HIDDEN = 256, BATCH = 32, STEPS = 35;

    private TrainingBenchmark() {
    }

    /** Command-line settings. */
    static final class Options {
        int warmup = 5;
        int reps = 20;
        List<CellType> cells = List.of(CellType.SIMPLE_RNN, CellType.LSTM);
        List<Integer> layers = List.of(1, 2, 3);
        List<String> paths = List.of("dl4j-fit", "trainer-dl4j", "trainer-fused");
        Path out = Paths.get("target", "benchmark");
        boolean gemm = true;
        boolean profile = false;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> {
                        o.warmup = 2;
                        o.reps = 5;
                    }
                    case "--reps" -> o.reps = positive(a, value(args, ++i));
                    case "--warmup" -> o.warmup = nonNegative(a, value(args, ++i));
                    case "--cells" -> o.cells = Arrays.stream(value(args, ++i).split(",")).map(TrainingBenchmark::cell).toList();
                    case "--layers" -> o.layers = Arrays.stream(value(args, ++i).split(",")).map(s -> positive("--layers", s)).toList();
                    case "--paths" -> o.paths = Arrays.stream(value(args, ++i).split(",")).map(TrainingBenchmark::path).toList();
                    case "--out" -> o.out = Paths.get(value(args, ++i));
                    case "--no-gemm" -> o.gemm = false;
                    case "--profile" -> o.profile = true;
                    case "--help", "-h" -> {
                        System.out.println(usage());
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("Unknown option " + a + "\n" + usage());
                }
            }
            return o;
        }
    }

    static String usage() {
        return """
                usage: bash tools/benchmark.sh [options]
                  --quick              2 warm-up and 5 timed iterations per model and path (a smoke run)
                  --reps N             timed iterations per model and path (default 20)
                  --warmup N           untimed iterations first (default 5)
                  --cells rnn,lstm     which cells (default both)
                  --layers 1,2,3       which depths (default 1,2,3)
                  --paths a,b          among dl4j-fit, trainer-dl4j, trainer-fused (default: these three)
                  --no-gemm            skip the matrix-product measurement (no floor then)
                  --profile            print where the fused path's time goes, phase by phase
                  --out DIR            where the CSV goes (default target/benchmark)""";
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + usage());
        }
        return args[i];
    }

    private static int positive(String name, String v) {
        int n = Integer.parseInt(v.trim());
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
        return n;
    }

    private static int nonNegative(String name, String v) {
        int n = Integer.parseInt(v.trim());
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be 0 or more, got " + v);
        }
        return n;
    }

    private static CellType cell(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "rnn", "simplernn", "simple_rnn" -> CellType.SIMPLE_RNN;
            case "lstm" -> CellType.LSTM;
            default -> throw new IllegalArgumentException("Unknown cell " + s + ": use rnn or lstm");
        };
    }

    private static String path(String s) {
        String p = s.trim();
        if (!List.of("dl4j-fit", "trainer-dl4j", "trainer-fused").contains(p)) {
            throw new IllegalArgumentException("Unknown path " + s + ": use dl4j-fit, trainer-dl4j or trainer-fused");
        }
        return p;
    }

    /** One benchmarked training step on one network. */
    interface Step {
        void run(DataSet batch);
    }

    /**
     * The {@link Trainer}'s own step ({@link Trainer#stepwise}) on one network and engine: gradient,
     * per-token scaling, global-norm clipping, updater, parameter update. It keeps the engine it made,
     * for the profile.
     */
    static final class TrainerStep implements Step {
        final Trainer.Steps steps;
        BatchGradient engine;

        TrainerStep(MultiLayerNetwork net, Supplier<BatchGradient> engineFactory) {
            Trainer trainer = Trainer.builder().epochs(1).learningRate(1.0).clipGlobalNorm(1.0).progress(null)
                    .batchGradient(() -> engine = engineFactory.get()).build();
            this.steps = trainer.stepwise(net);
        }

        @Override
        public void run(DataSet batch) {
            steps.step(batch);
        }
    }

    static MultiLayerNetwork network(CellType cell, int layers, double learningRate) {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(cell).layers(layers).hiddenUnits(HIDDEN)
                .vocabSize(VOCAB).seed(42).updater(new Sgd(learningRate)).dataType(DataType.FLOAT).network();
        return net;
    }

    static List<DataSet> batches(int count, long seed) {
        Random r = new Random(seed);
        List<DataSet> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            float[] x = new float[BATCH * VOCAB * STEPS], y = new float[BATCH * VOCAB * STEPS];
            for (int b = 0; b < BATCH; b++) {
                for (int t = 0; t < STEPS; t++) {
                    x[(b * VOCAB + r.nextInt(VOCAB)) * STEPS + t] = 1f;
                    y[(b * VOCAB + r.nextInt(VOCAB)) * STEPS + t] = 1f;
                }
            }
            out.add(new DataSet(Nd4j.create(x, new long[]{BATCH, VOCAB, STEPS}, 'c'),
                    Nd4j.create(y, new long[]{BATCH, VOCAB, STEPS}, 'c')));
        }
        return out;
    }

    /**
     * Floating-point operations of one training iteration (forward and backward) in matrix products:
     * per layer the input and recurrent products forward, the recurrent product backward, the two
     * weight gradients and, above the first layer, the gradient to the layer below; the output layer's
     * product forward and its two backward products.
     */
    static Flops flops(CellType cell, int layers) {
        long n = (long) BATCH * STEPS, h = HIDDEN, g = cell.weightBlocks();
        double perStep = 0, batched = 0;
        for (int l = 1; l <= layers; l++) {
            long in = l == 1 ? VOCAB : h;
            perStep += 2.0 * n * h * g * h * 2;            // H_{t-1} RW forward, dZ_t RW^T backward
            batched += 2.0 * n * in * g * h;               // X W forward
            batched += 2.0 * n * in * g * h;               // X^T dZ
            batched += 2.0 * n * h * g * h;                // H^T dZ
            if (l > 1) {
                batched += 2.0 * n * in * g * h;           // dZ W^T to the layer below
            }
        }
        batched += 3 * 2.0 * n * h * VOCAB;               // output: H Wo, H^T dY, dY Wo^T
        return new Flops(perStep, batched);
    }

    /** Matrix-product work of one iteration, split into per-step products and whole-sequence products. */
    record Flops(double perStep, double batched) {
        double total() {
            return perStep + batched;
        }
    }

    /** Timings of one path on one model. */
    record Result(CellType cell, int layers, String path, double[] ms) {
        double median() {
            return percentile(50);
        }

        double percentile(double p) {
            double[] s = ms.clone();
            Arrays.sort(s);
            double pos = p / 100 * (s.length - 1);
            int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
            return s[lo] + (s[hi] - s[lo]) * (pos - lo);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        out.println("== Training benchmark: batch " + BATCH + " x " + STEPS + " steps, vocabulary " + VOCAB + ", " + HIDDEN
                + " hidden units, FLOAT; " + o.warmup + " warm-up + " + o.reps + " timed iterations per model and path");
        out.println(environment());

        GemmProbe.Rates rates = null;
        if (o.gemm) {
            out.println("== ND4J (OpenBLAS) single-precision matrix products at the model's shapes");
            rates = GemmProbe.measure(BATCH, STEPS, HIDDEN, out);
        }

        List<Result> results = new ArrayList<>();
        List<DataSet> data = batches(8, 7);
        for (CellType cell : o.cells) {
            for (int layers : o.layers) {
                results.addAll(runModel(cell, layers, o, data));
                Result last = results.get(results.size() - 1);
                out.printf(Locale.ROOT, "   %s L=%d done (%s median %.1f ms)%n", cell, layers, last.path(), last.median());
            }
        }
        String table = table(results, rates);
        out.println();
        out.println(table);
        Files.createDirectories(o.out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path csv = o.out.resolve("training-benchmark-" + stamp + ".csv");
        String csvText = csv(results, rates, o);
        Files.writeString(csv, csvText);
        Files.writeString(o.out.resolve("training-benchmark-latest.csv"), csvText);
        out.println("CSV: " + csv.toAbsolutePath());
    }

    static List<Result> runModel(CellType cell, int layers, Options o, List<DataSet> data) {
        Map<String, Step> steps = new LinkedHashMap<>();
        for (String p : o.paths) {
            switch (p) {
                // fit's gradient is the token sum divided by the batch size: 1/STEPS gives the trainer's step size
                case "dl4j-fit" -> {
                    MultiLayerNetwork net = network(cell, layers, 1.0 / STEPS);
                    steps.put(p, net::fit);
                }
                case "trainer-dl4j" -> steps.put(p, new TrainerStep(network(cell, layers, 1.0), Dl4jBatchGradient::new));
                default -> steps.put(p, new TrainerStep(network(cell, layers, 1.0), FusedRnnGradient::new));
            }
        }
        Map<String, double[]> times = new LinkedHashMap<>();
        steps.keySet().forEach(k -> times.put(k, new double[o.reps]));
        for (int i = 0; i < o.warmup + o.reps; i++) {
            DataSet batch = data.get(i % data.size());
            if (i == o.warmup && o.profile) {
                for (Step st : steps.values()) {
                    if (st instanceof TrainerStep ts && ts.engine instanceof FusedRnnGradient f) {
                        f.resetProfile();
                    }
                }
            }
            for (Map.Entry<String, Step> e : steps.entrySet()) {
                long t0 = System.nanoTime();
                e.getValue().run(batch);
                long t1 = System.nanoTime();
                if (i >= o.warmup) {
                    times.get(e.getKey())[i - o.warmup] = (t1 - t0) / 1e6;
                }
            }
        }
        for (Map.Entry<String, Step> e : steps.entrySet()) {
            if (!(o.profile && e.getValue() instanceof TrainerStep ts && ts.engine instanceof FusedRnnGradient f)) {
                continue;
            }
            System.out.printf(Locale.ROOT, "   profile of %s, %s L=%d (mean ms per iteration):%n", e.getKey(), cell, layers);
            f.profileMillis().forEach((phase, ms) ->
                    System.out.printf(Locale.ROOT, "     %-26s %7.2f  %s%n", phase, ms, phase.description()));
        }
        List<Result> out = new ArrayList<>();
        times.forEach((p, ms) -> out.add(new Result(cell, layers, p, ms)));
        return out;
    }

    static double floorMs(CellType cell, int layers, GemmProbe.Rates rates) {
        Flops f = flops(cell, layers);
        double smallRate = cell == CellType.LSTM ? rates.stepLstm() : rates.stepRnn();
        double bigRate = cell == CellType.LSTM ? rates.sequenceLstm() : rates.sequenceRnn();
        return (f.perStep() / smallRate + f.batched() / bigRate) / 1e6;
    }

    static String table(List<Result> results, GemmProbe.Rates rates) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-10s %2s %-14s %9s %17s %10s %9s %9s %8s %8s %8s%n",
                "cell", "L", "path", "ms/iter", "p10-p90 ms", "tokens/s", "GFLOP/it", "GFLOP/s", "floor", "of floor", "speed-up"));
        for (Result r : results) {
            double base = results.stream().filter(x -> x.cell() == r.cell() && x.layers() == r.layers()
                    && x.path().equals("dl4j-fit")).mapToDouble(Result::median).findFirst().orElse(Double.NaN);
            double gflop = flops(r.cell(), r.layers()).total() / 1e9;
            double floor = rates == null ? Double.NaN : floorMs(r.cell(), r.layers(), rates);
            s.append(String.format(Locale.ROOT, "%-10s %2d %-14s %9.1f %8.1f-%-8.1f %10.0f %9.2f %9.1f %8.1f %7.0f%% %7.2fx%n",
                    r.cell(), r.layers(), r.path(), r.median(), r.percentile(10), r.percentile(90),
                    BATCH * STEPS / (r.median() / 1000), gflop, gflop / (r.median() / 1000), floor,
                    100 * floor / r.median(), base / r.median()));
        }
        s.append("floor: time of the iteration's matrix products alone at the measured speeds above (per-step products at the\n"
                + "per-step rate, the rest at the whole-sequence rate); 'of floor' = floor / median; speed-up vs dl4j-fit.");
        return s.toString();
    }

    static String csv(List<Result> results, GemmProbe.Rates rates, Options o) {
        StringBuilder s = new StringBuilder();
        s.append("cell,layers,hidden,batch,steps,path,reps,median_ms,p10_ms,p90_ms,min_ms,max_ms,tokens_per_s,gflop_per_iter,"
                + "achieved_gflops,floor_ms,fraction_of_floor,omp_num_threads,nd4j_max_threads,blas_threads\n");
        for (Result r : results) {
            double gflop = flops(r.cell(), r.layers()).total() / 1e9;
            double floor = rates == null ? Double.NaN : floorMs(r.cell(), r.layers(), rates);
            s.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%s,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.0f,%.4f,%.2f,%.3f,%.4f,%s,%d,%d%n",
                    r.cell(), r.layers(), HIDDEN, BATCH, STEPS, r.path(), o.reps, r.median(), r.percentile(10), r.percentile(90),
                    r.percentile(0), r.percentile(100), BATCH * STEPS / (r.median() / 1000), gflop, gflop / (r.median() / 1000),
                    floor, floor / r.median(), String.valueOf(System.getenv("OMP_NUM_THREADS")),
                    Nd4j.getEnvironment().maxThreads(), GemmProbe.blasThreads()));
        }
        return s.toString();
    }

    static String environment() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave it unknown
        }
        return String.format(Locale.ROOT, "machine: %s, %d cores; Java %s; ND4J backend %s; OMP_NUM_THREADS=%s; "
                        + "ND4J max threads %d; OpenBLAS threads %d",
                cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Nd4j.getBackend().getClass().getSimpleName(), System.getenv("OMP_NUM_THREADS"),
                Nd4j.getEnvironment().maxThreads(), GemmProbe.blasThreads());
    }
}
