package org.deeprnn.bench;

import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * What the oneDNN engine's dropout saves per training iteration of notebook 6's dropout model (2 x LSTM(256)
 * with {@code dropout(0.5)}, batch 32 x 35, vocabulary 28): the Trainer's step on DL4J's backpropagation
 * and on the engine the Trainer picks, interleaved iteration by iteration, median ms per round. Not part of
 * the test suite: {@code java -cp ... org.deeprnn.bench.DropoutTiming [rounds] [reps]}.
 */
public final class DropoutTiming {
    private DropoutTiming() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Workload w = new Workload(CellType.LSTM, 2, 256, 32, 35, 28);
        List<DataSet> data = w.batches(4, 7);
        Trainer.Builder base = Trainer.builder().learningRate(2.0).clipGlobalNorm(1.0).progress(null);
        List<InterleavedSteps.Path> paths = List.of(
                new InterleavedSteps.Path("dropout 0.5, Dl4jBatchGradient", base.batchGradient(Dl4jBatchGradient::new).build().stepwise(network(w))),
                new InterleavedSteps.Path("dropout 0.5, Trainer's choice", Trainer.builder().learningRate(2.0).clipGlobalNorm(1.0).progress(null)
                        .build().stepwise(network(w))));
        System.out.println(w.describe() + ", dropout 0.5");
        InterleavedSteps.time(paths, data, rounds, reps, "DL4J / this");
    }

    private static org.deeplearning4j.nn.multilayer.MultiLayerNetwork network(Workload w) {
        return new DeepRnnBuilder().cell(w.cell()).layers(w.layers()).hiddenUnits(w.hidden()).vocabSize(w.vocab())
                .dropout(0.5).seed(42).network();
    }
}
