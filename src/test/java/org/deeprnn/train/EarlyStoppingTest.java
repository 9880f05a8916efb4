package org.deeprnn.train;

import org.deeprnn.text.RandomSampling;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.deeprnn.train.TrainingFixtures.CORPUS;
import static org.junit.jupiter.api.Assertions.*;

/** Early stopping on the validation metric, and the epoch a run leaves the character-frequency plateau. */
class EarlyStoppingTest {

    /** A model whose validation perplexity per epoch is scripted. */
    private static EpochLoop.Model scripted(double... validationPerplexities) {
        int[] epoch = {0};
        return new EpochLoop.Model() {
            @Override
            public void startEpoch() {
                epoch[0]++;
            }

            @Override
            public EpochLoop.Step step(DataSet batch) {
                return new EpochLoop.Step(EpochLoop.tokenCount(batch) * Math.log(20), 0.5);
            }

            @Override
            public double meanLoss(DataSetIterator validation) {
                return Math.log(validationPerplexities[epoch[0] - 1]);
            }

            @Override
            public boolean crossEntropy() {
                return true;
            }
        };
    }

    private static RandomSampling data() {
        return new RandomSampling(CORPUS, 4, 10, 3);
    }

    @Test
    void stopsWhenPatienceEpochsBringNothingBetterAndSaysSo() {
        // best 9 in epoch 3; epochs 4 and 5 are no better, so patience 2 stops after epoch 5 of a cap of 10
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> seen = new ArrayList<>();
        EpochLoop loop = new EpochLoop(10, 100, new PrintStream(out, true, StandardCharsets.UTF_8),
                List.of((r, total) -> seen.add(r.epoch()))).stopEarly(EarlyStopping.afterNoImprovementFor(2));
        TrainingResult result = loop.run(scripted(12, 10, 9, 9, 9.5, 8, 7, 6, 5, 4), data(), data());
        assertEquals(5, result.epochs().size());
        assertEquals(List.of(1, 2, 3, 4, 5), seen);
        assertEquals(3, EarlyStopping.bestEpoch(result.epochs()));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("epoch  5/10"), printed);
        assertTrue(printed.contains("stopped: no better validation for 2 epochs, best in epoch 3"), printed);
    }

    @Test
    void aRunThatKeepsImprovingRunsToTheCap() {
        EpochLoop loop = new EpochLoop(4, 1, null, List.of()).stopEarly(EarlyStopping.afterNoImprovementFor(1));
        assertEquals(4, loop.run(scripted(12, 11, 10, 9), data(), data()).epochs().size());
    }

    @Test
    void earlyStoppingNeedsValidationAndAPositivePatience() {
        EpochLoop loop = new EpochLoop(4, 1, null, List.of()).stopEarly(EarlyStopping.afterNoImprovementFor(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.run(scripted(1, 1, 1, 1), data(), null));
        assertEquals("Early stopping watches the validation metric: pass a validation (tuning) iterator", e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().earlyStopping(0));
        assertEquals("patience must be at least 1 epoch without improvement, got 0", p.getMessage());
    }

    @Test
    void theTrainerOptionCapsTheEpochsAndSaysSo() {
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net =
                TrainingFixtures.network(org.deeprnn.model.CellType.LSTM, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        Trainer trainer = Trainer.builder().epochs(40).earlyStopping(3).progress(null).build();
        assertTrue(trainer.describe(net).startsWith("training up to 40 epochs (stopping after 3 without a better validation), "),
                trainer.describe(net));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(net, data()));
        assertEquals("Early stopping watches the validation metric: pass a validation (tuning) iterator", e.getMessage());
    }

    @Test
    void thePlateauIsLeftAtTheFirstEpochBelowItByTheMargin() {
        List<EpochResult> epochs = new ArrayList<>();
        double[] validation = {18, 16.9, 16.6, 15.0, 9.0};
        for (int e = 0; e < validation.length; e++) {
            epochs.add(EpochResult.ofPerplexity(e + 1, 17, validation[e], 100, 1, 1));
        }
        TrainingResult run = new TrainingResult(epochs, 5);
        // plateau 16.7, margin 1: below 15.7 first in epoch 4; 10 updates per epoch make 40 updates
        Plateau plateau = new Plateau(16.7, 1);
        assertEquals(4, plateau.leftAtEpoch(run));
        assertEquals(40, plateau.updatesToLeave(run, 10));
        assertEquals(-1, new Plateau(16.7, 8).leftAtEpoch(run));
        assertEquals(-1, new Plateau(16.7, 8).updatesToLeave(run, 10));
        assertEquals("The margin must be at least 0 and leave a level above perplexity 1, got 16.0 for a plateau at 16.7",
                assertThrows(IllegalArgumentException.class, () -> new Plateau(16.7, 16)).getMessage());
    }
}
