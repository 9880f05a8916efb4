package org.deeprnn.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.function.Consumer;

/**
 * The DL4J {@link TrainingListener}s of a {@link Trainer} (e.g. {@code ScoreIterationListener},
 * {@code StatsListener}), called at the points of a step where DL4J's own {@code fit} calls them.
 * The trainer computes its gradients through its own engines, not through {@code fit}, so it
 * has to call the hooks itself; as DL4J does, they run outside any workspace.
 * {@code onForwardPass} is never called: the fused and oneDNN engines do not produce DL4J's
 * per-layer activations, so activation statistics stay empty.
 */
final class Dl4jListeners {
    private final List<TrainingListener> listeners;

    Dl4jListeners(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    void epochStart(Model model) {
        each(l -> l.onEpochStart(model));
    }

    /** After the gradient of one batch has been computed (DL4J: at the end of {@code computeGradientAndScore}). */
    void backwardPass(Model model) {
        each(l -> l.onBackwardPass(model));
    }

    /** With {@code model.gradient()} holding the gradient of the score, before clipping and the updater. */
    void gradientCalculation(Model model) {
        each(l -> l.onGradientCalculation(model));
    }

    /** After the parameters have been updated; {@code model.gradient()} then holds the update that was subtracted. */
    void iterationDone(Model model, int iteration, int epoch) {
        each(l -> l.iterationDone(model, iteration, epoch));
    }

    /** After the last batch of an epoch, before the epoch count goes up (as in DL4J's {@code fit}). */
    void epochEnd(Model model) {
        each(l -> l.onEpochEnd(model));
    }

    // try: the resource is only the workspace scope the calls run in, never read
    @SuppressWarnings("try")
    private void each(Consumer<TrainingListener> call) {
        if (listeners.isEmpty()) {
            return;
        }
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (TrainingListener l : listeners) {
                call.accept(l);
            }
        }
    }
}
