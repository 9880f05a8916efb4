package org.deeprnn.scratch;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/** The checks {@link SameDiffDeepRnn} makes of its input, with errors that say what the model expected. */
final class ModelInput {
    private ModelInput() {
    }

    static Map<String, INDArray> feed(DataSet batch, long inputSize, long outputSize, DataType dataType) {
        Objects.requireNonNull(batch, "batch");
        if (batch.getFeaturesMaskArray() != null || batch.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("Masked minibatches are not supported: every step of every sequence is "
                    + "predicted (use the project's RandomSampling or WindowSampling iterators)");
        }
        INDArray x = features(batch.getFeatures(), inputSize, dataType);
        INDArray y = batch.getLabels();
        if (y == null || y.rank() != 3 || y.size(0) != x.size(0) || y.size(1) != outputSize || y.size(2) != x.size(2)) {
            throw new IllegalArgumentException("Expected one-hot labels [n=" + x.size(0) + ", q=" + outputSize + ", T="
                    + x.size(2) + "] to go with features " + Arrays.toString(x.shape()) + ", got "
                    + (y == null ? "none" : Arrays.toString(y.shape()))
                    + (y != null && y.rank() == 3 && y.size(1) != outputSize
                    ? ": the data's vocabulary has " + y.size(1) + " tokens but the model predicts " + outputSize : ""));
        }
        return Map.of(SameDiffDeepRnn.FEATURES, x, SameDiffDeepRnn.LABELS, y.dataType() == dataType ? y : y.castTo(dataType));
    }

    static INDArray features(INDArray x, long inputSize, DataType dataType) {
        Objects.requireNonNull(x, "features");
        if (x.rank() != 3) {
            throw new IllegalArgumentException("Expected features of rank 3, [n, d=" + inputSize + ", T], got shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.size(1) != inputSize) {
            throw new IllegalArgumentException("Expected features [n, " + inputSize + ", T], got " + Arrays.toString(x.shape())
                    + ": the data's vocabulary has " + x.size(1) + " tokens but the model was built for " + inputSize);
        }
        if (x.size(0) == 0 || x.size(2) == 0) {
            throw new IllegalArgumentException("Expected at least one sequence and one step, got features "
                    + Arrays.toString(x.shape()));
        }
        if (x.size(2) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Too many steps: " + x.size(2));
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException("Expected floating-point features, got data type " + x.dataType());
        }
        return x.dataType() == dataType ? x : x.castTo(dataType);
    }
}
