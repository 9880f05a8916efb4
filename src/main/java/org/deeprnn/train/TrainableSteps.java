package org.deeprnn.train;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The epoch loop's view of a {@link Trainable}: the shared clipped step, then plain SGD at the trainer's rate. */
record TrainableSteps(Trainable model, ClippedStep clipped, double learningRate) implements EpochLoop.Model {

    @Override
    public EpochLoop.Step step(DataSet batch) {
        Trainable.Batch b = model.lossAndGradient(batch);
        return clipped.take(b.lossSum(), b.gradient(), EpochLoop.tokenCount(batch), () -> { },
                step -> model.subtractFromParameters(step.muli(learningRate)));
    }

    @Override
    public double meanLoss(DataSetIterator validation) {
        return Trainer.meanLoss(model, validation);
    }

    @Override
    public boolean crossEntropy() {
        return model.crossEntropy();
    }
}
