package org.deeprnn.train;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.Locale;

/**
 * The learning rates a network's own updaters carry, checked when the Trainer is given no rate of its own:
 * zero trains nothing and a negative rate climbs the loss, so both are refused, naming the layer and updater.
 */
final class ConfiguredRates {

    private ConfiguredRates() {
    }

    static void requirePositive(TrainedNetwork net) {
        net.layersByLabel().forEach((label, layer) -> {
            if (layer instanceof BaseLayer base) {
                check(base.getIUpdater(), "updater", label, net);
                check(base.getBiasUpdater(), "bias updater", label, net);
            }
        });
    }

    private static void check(IUpdater updater, String which, String label, TrainedNetwork net) {
        if (updater == null || !updater.hasLearningRate()) {
            return;
        }
        double rate = updater.getLearningRate(net.iterationCount(), net.epochCount());
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The %s of layer %s (%s, from the network's "
                    + "configuration) has learning rate %s: a rate must be a positive finite number (zero trains nothing, a "
                    + "negative one climbs the loss). Give the updater a positive rate, e.g. new Sgd(2), or set one with "
                    + "Trainer.builder().learningRate(2)", which, label, updater.getClass().getSimpleName(), rate));
        }
    }
}
