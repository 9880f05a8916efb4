package org.deeprnn.bench;

import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the oneDNN engine's dropout saves per training iteration of notebook 6's dropout model (2 x LSTM(256)
 * with {@code dropout(0.5)}, batch 32 x 35, vocabulary 28): the Trainer's step on DL4J's backpropagation
 * and on the engine the Trainer picks, interleaved iteration by iteration, median ms per round. Not part of
 * the test suite: {@code java -cp ... org.deeprnn.bench.DropoutTiming [rounds] [reps]}.
 */
public final class DropoutTiming {
    private DropoutTiming() {
    }

    private record Path(String name, Trainer.Steps steps) {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Workload w = new Workload(CellType.LSTM, 2, 256, 32, 35, 28);
        List<DataSet> data = w.batches(4, 7);
        Trainer.Builder base = Trainer.builder().learningRate(2.0).clipGlobalNorm(1.0).progress(null);
        List<Path> paths = List.of(
                new Path("dropout 0.5, Dl4jBatchGradient", base.batchGradient(Dl4jBatchGradient::new).build().stepwise(network(w))),
                new Path("dropout 0.5, Trainer's choice", Trainer.builder().learningRate(2.0).clipGlobalNorm(1.0).progress(null)
                        .build().stepwise(network(w))));
        System.out.println(w.describe() + ", dropout 0.5");
        for (Path p : paths) {
            System.out.println(p.name() + ": " + p.steps().gradientPath());
            for (int i = 0; i < 3; i++) {
                p.steps().step(data.get(i % data.size()));
            }
        }
        double[][] medians = new double[paths.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            double[][] times = new double[paths.size()][reps];
            for (int i = 0; i < reps; i++) {
                for (int k = 0; k < paths.size(); k++) {
                    long start = System.nanoTime();
                    paths.get(k).steps().step(data.get(i % data.size()));
                    times[k][i] = (System.nanoTime() - start) / 1e6;
                }
            }
            for (int k = 0; k < paths.size(); k++) {
                medians[k][r] = median(times[k]);
            }
        }
        for (int k = 0; k < paths.size(); k++) {
            List<String> perRound = new ArrayList<>();
            for (double m : medians[k]) {
                perRound.add(String.format(Locale.ROOT, "%.1f", m));
            }
            System.out.printf(Locale.ROOT, "%-32s median %.1f ms/iter (round medians %s; DL4J / this %.2f)%n", paths.get(k).name(),
                    median(medians[k]), String.join(", ", perRound), median(medians[0]) / median(medians[k]));
        }
        paths.forEach(p -> p.steps().close());
    }

    private static org.deeplearning4j.nn.multilayer.MultiLayerNetwork network(Workload w) {
        return new DeepRnnBuilder().cell(w.cell()).layers(w.layers()).hiddenUnits(w.hidden()).vocabSize(w.vocab())
                .dropout(0.5).seed(42).network();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
