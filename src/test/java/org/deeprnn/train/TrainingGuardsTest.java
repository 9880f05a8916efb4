package org.deeprnn.train;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.RandomSampling;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.List;

import static org.deeprnn.train.TrainingFixtures.CORPUS;
import static org.junit.jupiter.api.Assertions.*;

/** The divergence rules of {@link EpochLoop}, and batches or rates that are refused before they can look like one. */
class TrainingGuardsTest {

    /** A model whose step returns {@code perToken[i]} times the batch's tokens for its i-th call. */
    private static EpochLoop.Model fake(boolean crossEntropy, double... perToken) {
        int[] call = {0};
        return new EpochLoop.Model() {
            @Override
            public EpochLoop.Step step(DataSet batch) {
                double loss = perToken[Math.min(call[0]++, perToken.length - 1)];
                return new EpochLoop.Step(loss * EpochLoop.tokenCount(batch), 0.5);
            }

            @Override
            public double meanLoss(DataSetIterator validation) {
                return 0;
            }

            @Override
            public boolean crossEntropy() {
                return crossEntropy;
            }
        };
    }

    private static RandomSampling data() {
        return new RandomSampling(CORPUS, 4, 10, 3);
    }

    @Test
    void anEpochTenTimesWorseThanAUniformGuessStops() {
        int v = CORPUS.vocab().size();
        double limit = Math.log(v) + Math.log(10);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new EpochLoop(3, 1, null, List.of()).run(fake(true, limit + 0.01), data(), null));
        assertEquals(1, e.epoch());
        assertEquals(limit + 0.01, e.loss(), 1e-9);
        int batches = 0;
        for (RandomSampling d = data(); d.hasNext(); d.next()) {
            batches++;
        }
        assertEquals(batches, e.batch(), "decided on the epoch's mean, after its last minibatch");
        assertTrue(e.getMessage().contains("ten times worse than a uniform guess over the " + v + " classes")
                && e.getMessage().contains("lower the learning rate") && e.getMessage().contains("clipGlobalNorm"), e.getMessage());
        // d2l's plateau near ln V, and anything up to the margin, trains on.
        assertEquals(3, new EpochLoop(3, 1, null, List.of()).run(fake(true, limit - 0.01), data(), null).epochs().size());
        assertEquals(3, new EpochLoop(3, 1, null, List.of()).run(fake(false, limit + 5), data(), null).epochs().size(),
                "a regression loss has no uniform guess to compare with");
    }

    @Test
    void aLossThatGrowsByFourOrdersOfMagnitudeStopsAtThatBatch() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new EpochLoop(3, 1, null, List.of()).run(fake(false, 0.5, 0.4, 4000, 5001), data(), null));
        assertEquals(1, e.epoch());
        assertEquals(4, e.batch());
        assertEquals(5001, e.loss(), 1e-9);
        assertTrue(e.getMessage().contains("more than 1e+04 times the first minibatch's 0.5000"), e.getMessage());
    }

    @Test
    void aFarTooHighRateWithoutClippingStopsInsteadOfReportingAHugePerplexity() {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.SIMPLE_RNN, DataType.FLOAT);
        Trainer trainer = Trainer.builder().epochs(5).learningRate(1e6).noClipping().progress(null).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(net, data()));
        assertTrue(e.epoch() <= 2, e.getMessage());
        assertTrue(e.loss() > Math.log(CORPUS.vocab().size()) + Math.log(10), e.getMessage());
    }

    @Test
    void aRateThatIsNotPositiveInTheNetworksOwnUpdaterIsRefused() {
        for (double rate : new double[]{-1, 0}) {
            MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(1).hiddenUnits(8)
                    .vocabSize(CORPUS.vocab().size()).updater(new Sgd(rate)).seed(1).network();
            Trainer trainer = Trainer.builder().epochs(1).progress(null).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(net, data()));
            assertEquals("The updater of layer 0 (Sgd, from the network's configuration) has learning rate " + rate + ": a rate "
                    + "must be a positive finite number (zero trains nothing, a negative one climbs the loss). Give the updater a "
                    + "positive rate, e.g. new Sgd(2), or set one with Trainer.builder().learningRate(2)", e.getMessage());
            assertEquals(1, Trainer.builder().epochs(1).learningRate(1).progress(null).build().fit(net, data()).epochs().size(),
                    "a rate given to the trainer replaces the configuration's");
        }
    }

    private static DataSet firstBatch() {
        RandomSampling d = data();
        return d.next();
    }

    private static IllegalArgumentException refused(DataSet batch) {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.SIMPLE_RNN, DataType.FLOAT);
        return assertThrows(IllegalArgumentException.class,
                () -> TrainingFixtures.trainer(1, null).fit(net, new ExistingDataSetIterator(List.of(batch))));
    }

    @Test
    void aLabelsMaskOfZerosHasNoTokenToPredict() {
        DataSet b = firstBatch();
        b.setLabelsMaskArray(Nd4j.zeros(DataType.FLOAT, b.getLabels().size(0), b.getLabels().size(2)));
        IllegalArgumentException e = refused(b);
        assertTrue(e.getMessage().startsWith("The labels mask of minibatch 1 of epoch 1 is all zeros: the batch has no token "
                + "to predict"), e.getMessage());
    }

    @Test
    void aMaskOfTheWrongShapeIsNamed() {
        DataSet b = firstBatch();
        b.setLabelsMaskArray(Nd4j.ones(DataType.FLOAT, 21, 1));
        assertEquals("The labels mask of minibatch 1 of epoch 1 has shape [21, 1] but the labels have shape [4, "
                + CORPUS.vocab().size() + ", 10]: the mask must be [4, 10] (sequences x time steps), one 0/1 entry per step "
                + "of each sequence", refused(b).getMessage());
    }

    @Test
    void notANumberInTheFeaturesBlamesTheBatchNotTheRate() {
        DataSet b = firstBatch();
        b.getFeatures().putScalar(new long[]{1, 0, 3}, Double.NaN);
        IllegalArgumentException e = refused(b);
        assertTrue(e.getMessage().startsWith("The features of minibatch 1 of epoch 1 hold 1 NaN and 0 infinite values out of "),
                e.getMessage());
        assertFalse(e.getMessage().contains("learning rate"), e.getMessage());
    }
}
