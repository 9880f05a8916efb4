package org.deeprnn.bench;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.NetworkReading;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Training-speed benchmark of the chapter's models (run it with {@code bash tools/benchmark.sh};
 * {@code --help} lists the options): milliseconds per training iteration, tokens per second and the
 * fraction of the matrix-product floor for each cell, depth and path:
 * <ul>
 *   <li>{@code dl4j-fit}: {@code MultiLayerNetwork.fit(DataSet)}, DL4J's own training step;</li>
 *   <li>{@code trainer-dl4j}: the {@link Trainer}'s own step ({@link Trainer#stepwise}: per-token
 *   scaling, global-norm clipping, updater) on {@link Dl4jBatchGradient};</li>
 *   <li>{@code trainer-fused}: the same step on {@link FusedRnnGradient};</li>
 *   <li>{@code trainer-onednn}: the same step on {@link OneDnnGradient}, the engine the Trainer picks for
 *   FLOAT networks on the CPU backend (left out, with the reason, where oneDNN's natives do not load);</li>
 *   <li>{@code trainer}: {@code Trainer.d2l(1)} as the notebooks build it, with whatever engine it chooses here by
 *   default (its engine line is printed);</li>
 *   <li>with {@code --peer}, {@code torch-1t} and {@code torch-2t}: the same model and step in PyTorch
 *   ({@code tools/bench/peer.py}) at 1 and 2 threads (or {@code --peer-threads}), and {@code libtorch-1t},
 *   {@code libtorch-2t} in libtorch 2.10 ({@code tools/bench/libtorch-peer}, where built), in child processes.</li>
 * </ul>
 * Each model runs in rounds: every path of ours for a few iterations, interleaved iteration by
 * iteration, then each peer, so that a busy machine slows all of them alike; ratios are taken per
 * round. Warm-up iterations are excluded. With {@code --load N}, N busy processes run during the rounds.
 * The table goes to stdout, a CSV to {@code target/benchmark/}.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {
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

        /** The notebooks' trainer, {@code Trainer.d2l(epochs)}, with the engine it chooses by itself. */
        TrainerStep(MultiLayerNetwork net) {
            this.steps = Trainer.d2l(1).progress(null).build().stepwise(net);
        }

        @Override
        public void run(DataSet batch) {
            steps.step(batch);
        }
    }

    static MultiLayerNetwork network(Workload w, double learningRate) {
        return new DeepRnnBuilder().cell(w.cell()).layers(w.layers()).hiddenUnits(w.hidden()).vocabSize(w.vocab()).seed(42)
                .updater(new Sgd(learningRate)).dataType(DataType.FLOAT).network();
    }

    /**
     * The engine behind each trainer path: the one place a new engine joins the benchmark, as
     * {@code trainer-<name>} here and in {@link BenchmarkOptions#PATHS}.
     */
    static Supplier<BatchGradient> engine(String path) {
        return switch (path) {
            case "trainer-dl4j" -> Dl4jBatchGradient::new;
            case "trainer-fused" -> FusedRnnGradient::new;
            case "trainer-onednn" -> OneDnnGradient::create;
            default -> throw new IllegalArgumentException("no engine for path " + path);
        };
    }

    /** Null when the oneDNN engine can train the workload's network here; otherwise why not. */
    private static String oneDnnProblem(Workload w) {
        List<Obstacle> against = EngineChoice.of(network(w, 1.0)).obstacles(Engine.ONEDNN);
        return against.isEmpty() ? null : NetworkReading.join(against);
    }

    public static void main(String[] args) throws IOException {
        BenchmarkOptions o;
        try {
            o = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("benchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        List<Workload> workloads = o.workloads();
        out.printf(Locale.ROOT, "== Training benchmark, FLOAT: %d model(s); %d warm-up, then %d round(s) of %d timed iterations per path%n",
                workloads.size(), o.warmup, o.rounds, o.reps);
        out.println(environment());

        out.println(BusyLoad.describe(o.load));
        List<PeerProcess> peers = o.peer ? startPeers(o, out) : List.of();
        List<Sgemm> backends = o.gemm ? GemmProbe.backends(out) : List.of();
        List<BenchmarkReport.Result> results = new ArrayList<>();
        try {
            for (Workload w : workloads) {
                out.println("== " + w.describe());
                GemmProbe.Floor floor = o.gemm ? GemmProbe.measure(w, backends, out) : null;
                if (floor != null) {
                    out.printf(Locale.ROOT, "   floor %.1f ms per iteration (%.2f GFLOP of products)%n", floor.ms(), w.flop() / 1e9);
                }
                List<BenchmarkReport.Result> rs = runWorkload(w, o, floor, peers, out);
                results.addAll(rs);
                for (BenchmarkReport.Result r : rs) {
                    out.printf(Locale.ROOT, "   %-14s median %8.1f ms   rounds:", r.path(), r.median());
                    for (int k = 0; k < r.ms().length; k++) {
                        out.printf(Locale.ROOT, " %.1f", r.roundMedian(k));
                    }
                    out.println();
                }
            }
        } finally {
            peers.forEach(PeerProcess::close);
        }
        out.println();
        out.println(BenchmarkReport.table(results, o.load));
        Files.createDirectories(o.out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path csv = o.out.resolve("training-benchmark-" + stamp + ".csv");
        String csvText = BenchmarkReport.csv(results, o);
        Files.writeString(csv, csvText);
        Files.writeString(o.out.resolve("training-benchmark-latest.csv"), csvText);
        out.println("CSV: " + csv);
    }

    private static List<PeerProcess> startPeers(BenchmarkOptions o, PrintStream out) {
        List<PeerProcess> peers = new ArrayList<>();
        String libtorch = PeerProcess.libtorchProblem(o.libtorchPeer);
        if (libtorch != null) {
            out.println("   --peer: " + libtorch + ". Carrying on without it.");
        }
        for (int threads : libtorch == null ? o.peerThreads : List.<Integer>of()) {
            try {
                PeerProcess p = PeerProcess.startLibtorch(o.libtorchPeer, threads);
                out.println("   peer " + p.path() + ": " + p.hello);
                peers.add(p);
            } catch (IOException e) {
                out.println("   --peer: could not start the " + threads + "-thread libtorch peer: " + e.getMessage() + "; carrying on without it");
            }
        }
        String python = PeerProcess.findPython(out);
        if (python == null) {
            return peers;
        }
        for (int threads : o.peerThreads) {
            try {
                PeerProcess p = PeerProcess.start(python, o.peerScript, threads);
                out.println("   peer " + p.path() + " (" + python + "): " + p.hello);
                peers.add(p);
            } catch (IOException e) {
                out.println("   --peer: could not start the " + threads + "-thread peer: " + e.getMessage() + "; carrying on without it");
            }
        }
        return peers;
    }

    static List<BenchmarkReport.Result> runWorkload(Workload w, BenchmarkOptions o, GemmProbe.Floor floor, List<PeerProcess> peers,
                                                    PrintStream out) {
        Map<String, Step> steps = new LinkedHashMap<>();
        for (String p : o.paths) {
            if (p.equals("dl4j-fit")) {
                // fit's gradient is the token sum divided by the batch size: 1/steps gives the trainer's step size
                MultiLayerNetwork net = network(w, 1.0 / w.steps());
                steps.put(p, net::fit);
            } else if (p.equals("trainer-onednn") && oneDnnProblem(w) != null) {
                out.println("   trainer-onednn left out: " + oneDnnProblem(w));
            } else if (p.equals("trainer")) {
                TrainerStep st = new TrainerStep(network(w, 1.0));
                out.println("   trainer: " + st.steps.gradientPath());
                steps.put(p, st);
            } else {
                steps.put(p, new TrainerStep(network(w, 1.0), engine(p)));
            }
        }
        List<DataSet> data = w.batches(w.tokens() * w.vocab() > 2_000_000 ? 3 : 8, 7);
        int batchIndex = 0;
        for (int i = 0; i < o.warmup; i++, batchIndex++) {
            for (Step st : steps.values()) {
                st.run(data.get(batchIndex % data.size()));
            }
        }
        if (o.profile) {
            steps.values().forEach(st -> {
                if (st instanceof TrainerStep ts && ts.engine instanceof FusedRnnGradient f) {
                    f.resetProfile();
                }
            });
        }
        Map<String, double[][]> times = new LinkedHashMap<>();
        steps.keySet().forEach(k -> times.put(k, new double[o.rounds][o.reps]));
        List<PeerProcess> live = new ArrayList<>(peers);
        try (BusyLoad load = BusyLoad.start(o.load)) {
            timeRounds(w, o, steps, data, batchIndex, times, live, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (o.profile) {
            printProfiles(w, steps, out);
        }
        List<BenchmarkReport.Result> rs = new ArrayList<>();
        times.forEach((p, ms) -> rs.add(new BenchmarkReport.Result(w, p, ms, floor)));
        steps.values().forEach(st -> {
            if (st instanceof TrainerStep ts) {
                ts.steps.close();
            }
        });
        return rs;
    }

    /** The timed rounds: every path of ours interleaved iteration by iteration, then each live peer. */
    private static void timeRounds(Workload w, BenchmarkOptions o, Map<String, Step> steps, List<DataSet> data, int batchIndex,
                                   Map<String, double[][]> times, List<PeerProcess> live, PrintStream out) {
        for (int round = 0; round < o.rounds; round++) {
            for (int i = 0; i < o.reps; i++, batchIndex++) {
                DataSet batch = data.get(batchIndex % data.size());
                for (Map.Entry<String, Step> e : steps.entrySet()) {
                    long t0 = System.nanoTime();
                    e.getValue().run(batch);
                    times.get(e.getKey())[round][i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            for (PeerProcess p : new ArrayList<>(live)) {
                try {
                    double[][] t = times.computeIfAbsent(p.path(), k -> new double[o.rounds][]);
                    t[round] = p.time(w, round == 0 ? o.warmup : 0, o.reps);
                } catch (IOException e) {
                    out.println("   --peer: " + e.getMessage() + "; leaving " + p.path() + " out of this model");
                    live.remove(p);
                    times.remove(p.path());
                }
            }
        }
    }

    private static void printProfiles(Workload w, Map<String, Step> steps, PrintStream out) {
        steps.forEach((path, st) -> {
            if (st instanceof TrainerStep ts && ts.engine instanceof FusedRnnGradient f) {
                out.printf(Locale.ROOT, "   profile of %s, %s L=%d (mean ms per iteration):%n", path, w.cell(), w.layers());
                f.profileMillis().forEach((phase, ms) -> out.printf(Locale.ROOT, "     %-26s %7.2f  %s%n", phase, ms, phase.description()));
            }
        });
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
