package org.deeprnn.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;

/**
 * Checks on a training minibatch that name the batch and what is wrong with it, where DL4J would report a
 * shape clash deep in its loss function or the trainer would blame a NaN on the learning rate.
 */
final class BatchCheck {
    private BatchCheck() {
    }

    /** A mask must be [sequences, steps] of the array it masks (a labels mask may also have the labels' own shape). */
    static void requireMatchingMasks(DataSet batch, String where) {
        INDArray labels = batch.getLabels();
        INDArray features = batch.getFeatures();
        if (labels == null || features == null) {
            throw new IllegalArgumentException(where + " has no " + (labels == null ? "labels" : "features"));
        }
        check(batch.getLabelsMaskArray(), labels, "labels", where);
        check(batch.getFeaturesMaskArray(), features, "features", where);
    }

    private static void check(INDArray mask, INDArray masked, String name, String where) {
        if (mask == null) {
            return;
        }
        long[] expected = masked.rank() == 3 ? new long[]{masked.size(0), masked.size(2)} : new long[]{masked.size(0), 1};
        boolean fits = Arrays.equals(mask.shape(), expected) || (name.equals("labels") && Arrays.equals(mask.shape(), masked.shape()))
                || (masked.rank() == 2 && mask.rank() == 1 && mask.length() == masked.size(0));
        if (!fits) {
            throw new IllegalArgumentException("The " + name + " mask of " + where + " has shape " + Arrays.toString(mask.shape())
                    + " but the " + name + " have shape " + Arrays.toString(masked.shape()) + ": the mask must be "
                    + Arrays.toString(expected) + " (sequences x time steps), one 0/1 entry per step of each sequence");
        }
    }

    /**
     * Called when a step's loss or norm is not finite: a feature or label that is NaN or infinite is the
     * data's fault, not the learning rate's, so it is named before the trainer reports a divergence.
     */
    static void requireFiniteData(DataSet batch, String where) {
        requireFinite(batch.getFeatures(), "features", where);
        requireFinite(batch.getLabels(), "labels", where);
    }

    private static void requireFinite(INDArray a, String name, String where) {
        long nan = a.isNaN().castTo(DataType.INT64).sumNumber().longValue();
        long inf = a.isInfinite().castTo(DataType.INT64).sumNumber().longValue();
        if (nan + inf > 0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "The %s of %s hold %,d NaN and %,d infinite "
                    + "values out of %,d: the data, not the training, is broken. Find where the iterator's source (a CSV "
                    + "column, a division by zero in normalisation) produces them and fix or drop those rows", name, where,
                    nan, inf, a.length()));
        }
    }
}
