package org.deeprnn.train;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins down how DL4J scales the loss of an RnnOutputLayer and its gradient, and that the trainer
 * turns that into d2l's per-token scale.
 */
class LossScalingTest {
    static final int BATCH = 3, VOCAB = 5, STEPS = 7;

    static MultiLayerNetwork network() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(4)
                .vocabSize(VOCAB).seed(7).updater(new Sgd(0.5)).dataType(DataType.DOUBLE).network();
        return net;
    }

    static DataSet randomBatch(long seed) {
        return RandomBatches.oneHot(new Random(seed), DataType.DOUBLE, BATCH, VOCAB, STEPS);
    }


    @Test
    void scoreIsSummedOverStepsAndAveragedOverSequences() {
        MultiLayerNetwork net = network();
        DataSet ds = randomBatch(1);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        double meanPerToken = CrossEntropy.summed(net, ds) / (BATCH * STEPS);
        double factor = net.score() / meanPerToken;
        System.out.printf("DL4J score / mean cross-entropy per token = %.6f (steps = %d)%n", factor, STEPS);
        assertEquals(STEPS, factor, 1e-9);
    }

    @Test
    void rawGradientIsTheGradientOfTheSummedLoss() {
        MultiLayerNetwork net = network();
        DataSet ds = randomBatch(2);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        INDArray raw = net.gradient().gradient().dup();
        INDArray params = net.params();
        double eps = 1e-6;
        for (long i : new long[]{0, 17, params.length() / 2, params.length() - 3}) {
            double p = params.getDouble(i);
            params.putScalar(i, p + eps);
            double up = CrossEntropy.summed(net, ds);
            params.putScalar(i, p - eps);
            double down = CrossEntropy.summed(net, ds);
            params.putScalar(i, p);
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, raw.getDouble(i), 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i);
        }
    }

    @Test
    void trainerStepUsesTheMeanGradientPerToken() {
        MultiLayerNetwork reference = network();
        DataSet ds = randomBatch(3);
        reference.setInput(ds.getFeatures());
        reference.setLabels(ds.getLabels());
        reference.computeGradientAndScore();
        double lr = 0.5;
        INDArray expected = reference.params().dup().subi(reference.gradient().gradient().mul(lr / (BATCH * STEPS)));

        MultiLayerNetwork net = network();
        Trainer.builder().epochs(1).learningRate(lr).noClipping().progress(null).build()
                .fit(net, new ListDataSetIterator<>(List.of(ds)));
        double diff = Transforms.abs(net.params().sub(expected)).maxNumber().doubleValue();
        assertEquals(0.0, diff, 1e-12);
    }

    static final int OUTPUTS = 2;

    static MultiLayerNetwork regression() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(4)
                .inputSize(3).outputSize(OUTPUTS).output(OutputMode.IDENTITY_MSE).seed(7).updater(new Sgd(0.5))
                .dataType(DataType.DOUBLE).network();
        return net;
    }

    static DataSet regressionBatch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new DataSet(Nd4j.randn(DataType.DOUBLE, BATCH, 3, STEPS), Nd4j.randn(DataType.DOUBLE, BATCH, OUTPUTS, STEPS));
    }

    /** Squared error summed over sequences, steps and output columns. */
    static double summedSquaredError(MultiLayerNetwork net, DataSet ds) {
        INDArray diff = net.output(ds.getFeatures(), false).sub(ds.getLabels());
        return diff.mul(diff).sumNumber().doubleValue();
    }

    /** DL4J's MSE: per step the squared error averaged over the output columns; summed over steps, averaged over sequences. */
    @Test
    void mseScoreAveragesOverOutputColumnsSumsOverStepsAndAveragesOverSequences() {
        MultiLayerNetwork net = regression();
        DataSet ds = regressionBatch(5);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        double expected = summedSquaredError(net, ds) / OUTPUTS / BATCH;
        assertEquals(expected, net.score(), 1e-10 * expected);
    }

    /** The trainer's loss for an MSE model: the mean squared error over every step, sequence and output column. */
    @Test
    void trainerReportsTheMeanSquaredErrorPerStepAndStepsAlongItsGradient() {
        MultiLayerNetwork reference = regression();
        DataSet ds = regressionBatch(6);
        double mse = summedSquaredError(reference, ds) / (BATCH * STEPS * OUTPUTS);
        reference.setInput(ds.getFeatures());
        reference.setLabels(ds.getLabels());
        reference.computeGradientAndScore();
        double lr = 0.5;
        INDArray expected = reference.params().dup().subi(reference.gradient().gradient().mul(lr / (BATCH * STEPS)));

        MultiLayerNetwork net = regression();
        TrainingResult result = Trainer.builder().epochs(1).learningRate(lr).noClipping().progress(null).build()
                .fit(net, new ListDataSetIterator<>(List.of(ds)));
        assertEquals(mse, result.last().loss(), 1e-10 * mse, "loss of the batch before the update");
        assertEquals(false, result.last().crossEntropy());
        assertEquals(result.last().loss(), result.last().metric(), 0.0);
        double diff = Transforms.abs(net.params().sub(expected)).maxNumber().doubleValue();
        assertEquals(0.0, diff, 1e-12);
        assertEquals(summedSquaredError(net, ds) / (BATCH * STEPS * OUTPUTS),
                Trainer.meanLoss(net, new ListDataSetIterator<>(List.of(ds))), 1e-10, "meanLoss measures the same quantity");
    }

    /** The gradient the trainer steps along is the gradient of that mean (checked against finite differences). */
    @Test
    void meanGradientPerStepIsTheGradientOfTheMeanSquaredError() {
        MultiLayerNetwork net = regression();
        DataSet ds = regressionBatch(8);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        INDArray perStep = net.gradient().gradient().div(BATCH * STEPS);
        INDArray params = net.params();
        double eps = 1e-6;
        for (long i : new long[]{1, 20, params.length() / 2, params.length() - 1}) {
            double p = params.getDouble(i);
            params.putScalar(i, p + eps);
            double up = summedSquaredError(net, ds) / (BATCH * STEPS * OUTPUTS);
            params.putScalar(i, p - eps);
            double down = summedSquaredError(net, ds) / (BATCH * STEPS * OUTPUTS);
            params.putScalar(i, p);
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, perStep.getDouble(i), 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i);
        }
    }

    @Test
    void clippedStepHasLengthLearningRateTimesTheta() {
        MultiLayerNetwork net = network();
        INDArray before = net.params().dup();
        double lr = 0.5, theta = 1e-3;
        TrainingResult result = Trainer.builder().epochs(1).learningRate(lr).clipGlobalNorm(theta).progress(null).build()
                .fit(net, new ListDataSetIterator<>(List.of(randomBatch(4))));
        double step = net.params().sub(before).norm2Number().doubleValue();
        assertEquals(lr * theta, step, 1e-12);
        assertEquals(true, result.last().maxGradientNorm() > theta, "the per-token gradient was larger than theta");
    }
}
