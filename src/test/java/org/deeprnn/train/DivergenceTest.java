package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeprnn.text.RandomSampling;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.deeprnn.train.TrainingFixtures.CORPUS;
import static org.junit.jupiter.api.Assertions.*;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/** A loss or gradient norm that is NaN or infinite stops training at that batch, without applying its step. */
class DivergenceTest {

    @Test
    void nonFiniteNormLeavesTheGradientAloneAndIsReturned() {
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY}) {
            INDArray g = Nd4j.createFromArray(3.0, bad, 4.0);
            double norm = GlobalNormClipping.clip(g, 1.0);
            assertFalse(Double.isFinite(norm), "norm " + norm);
            assertEquals(3.0, g.getDouble(0), 0.0, "not scaled (an infinite norm used to turn every entry into NaN)");
            assertEquals(4.0, g.getDouble(2), 0.0);
        }
    }

    @Test
    void loopStopsAtTheBatchNamingEpochAndBatchAndCallsNoListener() {
        List<Integer> seen = new ArrayList<>();
        EpochLoop loop = new EpochLoop(3, 1, null, List.of((r, total) -> seen.add(r.epoch())));
        RandomSampling data = new RandomSampling(CORPUS, 4, 10, 3);
        int perEpoch = 0;
        while (data.hasNext()) {
            data.next();
            perEpoch++;
        }
        int bad = perEpoch + 2;
        int[] calls = {0};
        EpochLoop.Model model = new EpochLoop.Model() {
            @Override
            public EpochLoop.Step step(DataSet batch) {
                calls[0]++;
                return new EpochLoop.Step(calls[0] == bad ? Double.POSITIVE_INFINITY : 1.0, 0.5);
            }

            @Override
            public double meanLoss(DataSetIterator validation) {
                return 0;
            }

            @Override
            public boolean crossEntropy() {
                return true;
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> loop.run(model, data, null));
        assertEquals(2, e.epoch());
        assertEquals(2, e.batch());
        assertTrue(e.getMessage().contains("epoch 2 at minibatch 2"), e.getMessage());
        assertTrue(e.getMessage().contains("loss is Infinity") && e.getMessage().contains("lower the learning rate")
                && e.getMessage().contains("clipGlobalNorm"), e.getMessage());
        assertEquals(List.of(1), seen, "the epoch that completed was reported, the one that diverged was not");
    }

    /**
     * A regression (identity output, MSE) at learning rate 1e9 without clipping overflows within a few
     * steps; a softmax language model at that rate saturates instead and keeps a finite loss.
     */
    @Test
    void hugeLearningRateWithoutClippingStopsWithTheWeightsOfTheLastGoodStep() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(2).hiddenUnits(8).inputSize(1)
                .outputSize(1).output(OutputMode.IDENTITY_MSE).seed(3).network();
        Trainer trainer = Trainer.builder().epochs(5).learningRate(1e9).noClipping().progress(null).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(net, new Waves(8)));
        assertEquals(1, e.epoch(), e.getMessage());
        assertTrue(e.batch() >= 2, "the first step still had a finite loss: " + e.getMessage());
        assertEquals(0, net.params().isInfinite().castTo(DataType.INT32).sumNumber().intValue()
                + net.params().isNaN().castTo(DataType.INT32).sumNumber().intValue(), "the step that met the overflow was not applied");
    }

    /** {@code batches} minibatches of 4 sine sequences of 20 steps, the label one step ahead. */
    private static final class Waves extends org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<DataSet> {
        private static final long serialVersionUID = 1L;

        Waves(int batches) {
            super(waves(batches), 1);
        }

        private static List<DataSet> waves(int batches) {
            List<DataSet> list = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                float[] v = new float[4 * 21];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) Math.sin(0.3 * (b + i));
                }
                INDArray x = Nd4j.create(v, new long[]{4, 1, 21}, 'c');
                list.add(new DataSet(x.get(all(), all(), interval(0, 20)).dup(), x.get(all(), all(), interval(1, 21)).dup()));
            }
            return list;
        }
    }
}
