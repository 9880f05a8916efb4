package org.deeprnn.bench;

import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * What layer normalisation costs per training iteration of notebook 5's model (2 x GRU(32), batch
 * 1024 x 32 steps, vocabulary 28): the Trainer's step on the layer-normalised GRU, on the plain GRU
 * through the same engine (DL4J's backpropagation) and on the plain GRU through the engine the Trainer
 * picks for it. Interleaved iteration by iteration, median ms per round. Not part of the test suite:
 * {@code java -cp ... org.deeprnn.bench.LayerNormTiming [rounds] [reps]}.
 */
public final class LayerNormTiming {
    private LayerNormTiming() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Workload w = new Workload(CellType.GRU, 2, 32, 1024, 32, 28);
        List<DataSet> data = w.batches(4, 7);
        Trainer.Builder dl4j = Trainer.builder().learningRate(2.0).clipGlobalNorm(1.0).progress(null).batchGradient(Dl4jBatchGradient::new);
        Trainer chosen = Trainer.builder().learningRate(2.0).clipGlobalNorm(1.0).progress(null).build();
        List<InterleavedSteps.Path> paths = List.of(
                new InterleavedSteps.Path("GRU+LN, Trainer's choice", chosen.stepwise(network(w, true))),
                new InterleavedSteps.Path("GRU, Dl4jBatchGradient", dl4j.build().stepwise(network(w, false))),
                new InterleavedSteps.Path("GRU, Trainer's choice", chosen.stepwise(network(w, false))));
        System.out.println(w.describe());
        InterleavedSteps.time(paths, data, rounds, reps, "LN / this");
    }

    private static org.deeplearning4j.nn.multilayer.MultiLayerNetwork network(Workload w, boolean layerNorm) {
        return new DeepRnnBuilder().cell(w.cell()).layers(w.layers()).hiddenUnits(w.hidden()).vocabSize(w.vocab())
                .layerNorm(layerNorm).seed(42).network();
    }
}
