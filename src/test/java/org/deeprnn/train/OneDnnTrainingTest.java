package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.model.CellType;
import org.deeprnn.text.SequentialPartitioning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.function.Supplier;

import static org.deeprnn.fixtures.EngineFixtures.assumeOneDnn;
import static org.deeprnn.train.TrainingFixtures.CORPUS;
import static org.junit.jupiter.api.Assertions.*;

/** The Trainer picks the oneDNN engine where it can, and trains the same perplexity curve on it as on the fused engine. */
class OneDnnTrainingTest {

    private static double[] curve(CellType cell, Supplier<BatchGradient> engine) {
        MultiLayerNetwork net = TrainingFixtures.network(cell, DataType.FLOAT);
        return Trainer.builder().epochs(4).learningRate(1.0).clipGlobalNorm(1.0).progress(null).batchGradient(engine).build()
                .fit(net, new SequentialPartitioning(CORPUS, 4, 10, 5)).perplexities();
    }

    @ParameterizedTest(name = "{0}: perplexity per epoch, hidden state carried, equals the fused engine's")
    @EnumSource(CellType.class)
    void perplexityCurveEqualsTheFusedEngines(CellType cell) {
        assumeOneDnn();
        double[] fused = curve(cell, FusedRnnGradient::new), onednn = curve(cell, OneDnnGradient::create);
        for (int e = 0; e < fused.length; e++) {
            assertEquals(fused[e], onednn[e], 1e-4 * fused[e], cell + " epoch " + (e + 1));
        }
        assertTrue(onednn[onednn.length - 1] < onednn[0], cell + ": training lowers the perplexity " + java.util.Arrays.toString(onednn));
    }

    @Test
    void trainerChoosesOneDnnForFloatAndTheFusedEngineForDouble() {
        assumeOneDnn();
        EngineChoice floats = EngineChoice.of(TrainingFixtures.network(CellType.LSTM, DataType.FLOAT));
        assertEquals(Engine.ONEDNN, floats.chosen());
        assertInstanceOf(OneDnnGradient.class, floats.create());
        assertEquals("OneDnnGradient (oneDNN's RNN primitives; masked batches: Dl4jBatchGradient)", floats.describe());
        EngineChoice doubles = EngineChoice.of(TrainingFixtures.network(CellType.GRU, DataType.DOUBLE));
        assertEquals(Engine.FUSED, doubles.chosen());
        assertEquals(List.of(Obstacle.Kind.NOT_FLOAT), doubles.obstacles(Engine.ONEDNN).stream().map(Obstacle::kind).toList());
        assertInstanceOf(FusedRnnGradient.class, doubles.create());
    }
}
