package org.deeprnn.bench;

import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.train.Trainer;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the oneDNN engine's ways of using two cores compare, on the chapter's two workloads, idle and beside N busy
 * processes: the whole batch on a team of 2 OpenMP threads (the engine before slicing), on 1 thread, and cut into
 * 2 or 4 slices on 2 Java threads of one oneDNN thread each (2 is the default). Interleaved iteration by iteration,
 * median ms per round, ratio to the first. Not part of the test suite:
 * {@code java -cp ... org.deeprnn.bench.SlicingTiming [rounds] [reps] [busy processes, default 0 and 1]}.
 */
public final class SlicingTiming {
    private SlicingTiming() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        List<Integer> loads = args.length > 2 ? List.of(Integer.parseInt(args[2])) : List.of(0, 1);
        for (int load : loads) {
            for (Workload w : Workload.chapter()) {
                System.out.println("== " + w.describe() + "; " + BusyLoad.describe(load));
                List<DataSet> data = w.batches(4, 7);
                List<InterleavedSteps.Path> paths = new ArrayList<>();
                paths.add(path("1 slice, team of 2 OpenMP threads", w, 1, 1, 2));
                paths.add(path("1 slice, 1 thread", w, 1, 1, 1));
                paths.add(path("2 slices on 2 threads (default)", w, 2, 2, 1));
                paths.add(path("4 slices on 2 threads", w, 4, 2, 1));
                try (BusyLoad busy = BusyLoad.start(load)) {
                    InterleavedSteps.time(paths, data, rounds, reps, "team of 2 / this");
                }
            }
        }
    }

    private static InterleavedSteps.Path path(String name, Workload w, int slices, int threads, int team) {
        Trainer trainer = Trainer.builder().learningRate(1.0).clipGlobalNorm(1.0).progress(null)
                .batchGradient(() -> OneDnnGradient.sliced(slices, threads, team)).build();
        return new InterleavedSteps.Path(name, trainer.stepwise(TrainingBenchmark.network(w, 1.0)));
    }
}
