package org.deeprnn.train;

import org.deeprnn.model.CellType;
import org.deeprnn.text.RandomSampling;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.deeprnn.train.TrainingFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** DL4J's training listeners on the trainer: the calls DL4J's fit would make, with the trainer's losses as scores. */
class Dl4jListenerTest {
    static final int BATCH = 4, STEPS = 10, EPOCHS = 2;

    /** Writes down every call, the score at each step and the mean loss per token recomputed from the batch. */
    static final class Recorder extends BaseTrainingListener {
        final List<String> calls = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();
        final List<Double> recomputed = new ArrayList<>();
        final List<Double> updateError = new ArrayList<>();
        private INDArray paramsBefore;

        @Override
        public void onEpochStart(Model model) {
            calls.add("epochStart " + ((MultiLayerNetwork) model).getEpochCount());
        }

        @Override
        public void onBackwardPass(Model model) {
            calls.add("backward");
        }

        @Override
        public void onGradientCalculation(Model model) {
            calls.add("gradient");
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            paramsBefore = net.params().dup();
            // DL4J's score of the batch the step trains on, from the parameters before the update: summed over
            // the steps and averaged over the sequences, so divided by the steps it is the loss per token
            DataSet batch = new DataSet(net.getInput(), net.getLabels());
            recomputed.add(net.score(batch, false) / STEPS);
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            calls.add("iteration " + iteration + " " + epoch);
            scores.add(model.score());
            // the update the trainer subtracted is what model.gradient() holds (StatsListener's "updates")
            INDArray applied = paramsBefore.sub(model.params());
            updateError.add(applied.sub(model.gradient().gradient()).norm2Number().doubleValue()
                    / Math.max(1e-30, applied.norm2Number().doubleValue()));
        }

        @Override
        public void onEpochEnd(Model model) {
            calls.add("epochEnd " + ((MultiLayerNetwork) model).getEpochCount());
        }
    }

    /**
     * StatsListener files its reports under the wall-clock millisecond; a tiny network can do two steps in one.
     * (Its default reports every 10th iteration from iteration 10 on; the tests ask for every iteration.)
     */
    static final class OneStepPerMillisecond extends BaseTrainingListener {
        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            long until = System.currentTimeMillis() + 2;
            while (System.currentTimeMillis() < until) {
                Thread.onSpinWait();
            }
        }
    }

    private static RandomSampling batches() {
        return new RandomSampling(CORPUS, BATCH, STEPS, 7);
    }

    private static int batchesPerEpoch() {
        RandomSampling it = batches();
        it.reset();
        int n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        return n;
    }

    private static TrainingResult train(MultiLayerNetwork net, TrainingListener... listeners) {
        Trainer.Builder b = Trainer.builder().epochs(EPOCHS).learningRate(1.0).progress(null);
        for (TrainingListener l : listeners) {
            b.dl4jListener(l);
        }
        return b.build().fit(net, batches());
    }

    @Test
    void listenersHearTheCallsOfDl4jsFitWithTheTrainersLosses() {
        MultiLayerNetwork net = network(CellType.LSTM, DataType.FLOAT);
        Recorder rec = new Recorder();
        TrainingResult result = train(net, rec);
        int n = batchesPerEpoch();
        assertTrue(n >= 3, "batches per epoch: " + n);

        List<String> expected = new ArrayList<>();
        for (int e = 0; e < EPOCHS; e++) {
            expected.add("epochStart " + e);
            for (int i = 0; i < n; i++) {
                expected.add("backward");
                expected.add("gradient");
                expected.add("iteration " + (e * n + i) + " " + e);
            }
            expected.add("epochEnd " + e);
        }
        assertEquals(expected, rec.calls);
        assertEquals(EPOCHS * n, net.getIterationCount());
        assertEquals(EPOCHS, net.getEpochCount());

        for (int i = 0; i < rec.scores.size(); i++) {
            assertEquals(rec.recomputed.get(i), rec.scores.get(i), 1e-4 * rec.recomputed.get(i), "score of iteration " + i);
            assertTrue(rec.updateError.get(i) < 1e-5, "model.gradient() is the applied update, iteration " + i);
        }
        // every batch has as many tokens, so an epoch's loss is the mean of its batches' scores
        for (int e = 0; e < EPOCHS; e++) {
            double mean = rec.scores.subList(e * n, (e + 1) * n).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(result.epochs().get(e).loss(), mean, 1e-9, "epoch " + e);
        }
    }

    @Test
    void scoreIterationListenerRuns() {
        MultiLayerNetwork net = network(CellType.SIMPLE_RNN, DataType.FLOAT);
        TrainingResult result = train(net, new ScoreIterationListener(1));
        assertEquals(EPOCHS, result.epochs().size());
    }

    @Test
    void statsListenerStoresOneReportPerIterationWithItsScore() {
        MultiLayerNetwork net = network(CellType.LSTM, DataType.FLOAT);
        Recorder rec = new Recorder();
        StatsStorage storage = new InMemoryStatsStorage();
        train(net, rec, new OneStepPerMillisecond(), new StatsListener(storage, 1));
        assertReports(storage, rec.scores);
    }

    @Test
    void statsListenerWritesAFileThatReadsBack(@TempDir Path dir) throws Exception {
        File file = dir.resolve("stats.dl4j").toFile();
        MultiLayerNetwork net = network(CellType.GRU, DataType.FLOAT);
        Recorder rec = new Recorder();
        FileStatsStorage storage = new FileStatsStorage(file);
        train(net, rec, new OneStepPerMillisecond(), new StatsListener(storage, 1));
        storage.close();
        assertTrue(file.length() > 0);
        FileStatsStorage reopened = new FileStatsStorage(file);
        try {
            assertReports(reopened, rec.scores);
        } finally {
            reopened.close();
        }
    }

    private static void assertReports(StatsStorage storage, List<Double> scores) {
        List<String> sessions = storage.listSessionIDs();
        assertEquals(1, sessions.size(), "sessions: " + sessions);
        List<Persistable> updates = storage.getAllUpdatesAfter(sessions.get(0), StatsListener.TYPE_ID, 0);
        assertEquals(EPOCHS * batchesPerEpoch(), updates.size());
        assertEquals(scores.size(), updates.size());
        for (int i = 0; i < updates.size(); i++) {
            StatsReport r = (StatsReport) updates.get(i);
            assertEquals(i, r.getIterationCount());
            assertEquals(scores.get(i), r.getScore(), 0.0, "score of iteration " + i);
        }
    }
}
