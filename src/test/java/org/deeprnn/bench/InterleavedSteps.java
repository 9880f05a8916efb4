package org.deeprnn.bench;

import org.deeprnn.train.Trainer;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times several trainers' steps interleaved iteration by iteration (so a noisy machine slows all of them
 * alike) and prints each one's median ms per step over rounds, with its ratio to the first: the loop of
 * the small timing mains ({@link DropoutTiming}, {@link LayerNormTiming}).
 */
final class InterleavedSteps {
    /** One way of taking a step: a name for the table and the trainer's stepwise view of one network. */
    record Path(String name, Trainer.Steps steps) {
    }

    private InterleavedSteps() {
    }

    /** Three warm-up steps each, then {@code rounds} rounds of {@code reps} interleaved steps; closes every path. */
    static void time(List<Path> paths, List<DataSet> data, int rounds, int reps, String ratioLabel) {
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
        int width = paths.stream().mapToInt(p -> p.name().length()).max().orElse(10) + 2;
        for (int k = 0; k < paths.size(); k++) {
            List<String> perRound = new ArrayList<>();
            for (double m : medians[k]) {
                perRound.add(String.format(Locale.ROOT, "%.1f", m));
            }
            System.out.printf(Locale.ROOT, "%-" + width + "s median %.1f ms/iter (round medians %s; %s %.2f)%n", paths.get(k).name(),
                    median(medians[k]), String.join(", ", perRound), ratioLabel, median(medians[0]) / median(medians[k]));
        }
        paths.forEach(p -> p.steps().close());
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
