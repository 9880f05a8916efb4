package org.deeprnn.experiment;

import org.deeprnn.text.SequenceIterator;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.Trainable;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingDivergedException;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Trains one setting of a {@link Comparison} once per seed (or once, with {@link Comparison#NO_SEED}, without
 * seeds): builds the model from its seed, rewinds the data so that every seed sees the same batches in the
 * same order, and records a run that diverges as such instead of letting it end the comparison.
 */
final class SeedRunner {
    private final long[] seeds;
    private final DataSetIterator validation;
    private final RunProgress progress;

    SeedRunner(long[] seeds, DataSetIterator validation, RunProgress progress) {
        this.seeds = seeds;
        this.validation = validation;
        this.progress = progress;
    }

    List<Comparison.Run> train(String name, LongFunction<?> model, Trainer trainer, DataSetIterator training) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(training, "training");
        boolean single = seeds.length == 0;
        Trainer used = single && !progress.silent() ? trainer : trainer.silent();
        List<Comparison.Run> done = new ArrayList<>();
        for (long seed : single ? new long[]{Comparison.NO_SEED} : seeds) {
            rewind(training);
            rewind(validation);
            if (single) {
                progress.heading(name);
            }
            long start = System.nanoTime();
            Comparison.Run run = fit(name, seed, model.apply(seed), used, training);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (single) {
                progress.singleDone(run, seconds);
            } else {
                progress.seedDone(run, seconds);
            }
            done.add(run);
        }
        return done;
    }

    private Comparison.Run fit(String name, long seed, Object model, Trainer trainer, DataSetIterator training) {
        if (model instanceof MultiLayerNetwork net) {
            return new Comparison.Run(name, seed, net.numParams(), fitOrDiverged(() -> trainer.fit(net, training, validation)));
        }
        if (model instanceof ComputationGraph graph) {
            return new Comparison.Run(name, seed, graph.numParams(), fitOrDiverged(() -> trainer.fit(graph, training, validation)));
        }
        if (model instanceof Trainable trainable) {
            return new Comparison.Run(name, seed, trainable.numParams(),
                    fitOrDiverged(() -> trainer.fit(trainable, training, validation)));
        }
        throw new IllegalArgumentException("The model of '" + name + "' is "
                + (model == null ? "null" : "a " + model.getClass().getName())
                + ": build a MultiLayerNetwork, a ComputationGraph or a Trainable from the seed");
    }

    /**
     * A run whose training diverged is kept, not dropped (dropping it would flatter the setting): its history
     * ends with an epoch of infinite loss and gradient norm, the epoch it diverged at, so its final metrics are
     * infinite and its curves stop before that epoch.
     */
    private static TrainingResult fitOrDiverged(java.util.function.Supplier<TrainingResult> fit) {
        try {
            return fit.get();
        } catch (TrainingDivergedException e) {
            List<EpochResult> epochs = new ArrayList<>(e.completedEpochs());
            boolean crossEntropy = epochs.isEmpty() || epochs.get(0).crossEntropy();
            double inf = Double.POSITIVE_INFINITY;
            epochs.add(new EpochResult(e.epoch(), inf, inf, 0, 0, inf, crossEntropy));
            return new TrainingResult(epochs, Double.NaN);
        }
    }

    /** Every seed sees the same batches in the same order: the project's samplers start over, others are reset. */
    private static void rewind(DataSetIterator data) {
        if (data instanceof SequenceIterator s) {
            s.rewind();
        } else if (data != null && data.resetSupported()) {
            data.reset();
        }
    }
}
