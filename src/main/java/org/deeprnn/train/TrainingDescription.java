package org.deeprnn.train;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one line in which {@link Trainer#describe} says what a training will do, for DL4J networks and
 * {@link Trainable} models alike, so both are described in the same words.
 */
record TrainingDescription(int epochs, EarlyStopping stopping, Double learningRate, double clipTheta) {

    /** Each layer's own DL4J gradient normalisation, which runs inside the updater, one entry per layer that has one. */
    static List<String> layerClipping(TrainedNetwork net) {
        List<String> clips = new ArrayList<>();
        net.layersByLabel().forEach((label, layer) -> {
            if (layer instanceof BaseLayer base && base.getGradientNormalization() != null
                    && base.getGradientNormalization() != GradientNormalization.None) {
                clips.add(String.format(Locale.ROOT, "DL4J %s %s on layer %s (inside the updater)",
                        base.getGradientNormalization(), base.getGradientNormalizationThreshold(), label));
            }
        });
        return clips;
    }

    /**
     * @param updaterName the updater's name, or null for none
     * @param configured  the configuration's updater, whose learning rate a trainer's rate replaces (may be null)
     */
    String of(long numParams, String updaterName, IUpdater configured, boolean crossEntropy, List<String> layerClips,
              String gradientPath) {
        StringBuilder s = new StringBuilder();
        s.append(stopping == null ? String.format(Locale.ROOT, "training %d epochs, ", epochs)
                : String.format(Locale.ROOT, "training up to %d epochs (stopping after %d without a better validation), ",
                        epochs, stopping.patience()));
        s.append(String.format(Locale.ROOT, "%,d parameters, ", numParams));
        if (updaterName != null) {
            s.append("updater ").append(updaterName);
        }
        s.append(learningRate != null ? String.format(Locale.ROOT, " lr %s", learningRate) : " (learning rate from the configuration)");
        if (learningRate != null && configured != null && configured.hasLearningRate()
                && configured.getLearningRate(0, 0) != learningRate) {
            s.append(String.format(Locale.ROOT, " (replaces the configuration's %s)", configured.getLearningRate(0, 0)));
        }
        s.append(crossEntropy ? " per predicted token (d2l's scale); clipping: "
                : " per predicted step (gradient of the mean loss per step); clipping: ");
        List<String> clips = new ArrayList<>();
        if (clipTheta > 0) {
            clips.add(String.format(Locale.ROOT, "global L2 norm over all parameters <= %s (d2l)", clipTheta));
        }
        clips.addAll(layerClips);
        s.append(clips.isEmpty() ? "none" : String.join(", ", clips));
        s.append("; gradients: ").append(gradientPath);
        return s.toString();
    }
}
