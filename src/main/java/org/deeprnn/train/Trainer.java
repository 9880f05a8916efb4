package org.deeprnn.train;

import org.deeprnn.check.Require;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.text.SequenceIterator;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Trains a recurrent language model the way d2l does (notebook 3, "Training"), on a DL4J
 * {@link MultiLayerNetwork} or, for the residual models of notebook 6, "Residual connections between
 * stacked layers", a {@link ComputationGraph} (random or window sampling only for graphs):
 * <ul>
 *   <li>The learning rate means what d2l's means. DL4J's {@code RnnOutputLayer} sums the
 *   cross-entropy over the time steps and averages it over the sequences of a minibatch, so its
 *   gradient is {@code steps} times d2l's per-token mean. The trainer divides the summed
 *   gradient by the number of predicted tokens instead, and hands the updater a minibatch size of 1.</li>
 *   <li>The loss it reports is the mean loss per predicted token, {@link EpochResult#loss()}; for a
 *   softmax/cross-entropy output it also reports the perplexity, exp of that mean. A regression
 *   output with DL4J's MSE (notebook 4) works the same way: DL4J's MSE of one step is the mean of the
 *   squared errors over the output columns, so the reported loss is the mean squared error over all
 *   steps, sequences and output columns, and the gradient is that mean's gradient.</li>
 *   <li>Gradients are clipped by their global L2 norm over all parameters (d2l), after that
 *   averaging and before the updater. Clipping that a layer configures through DL4J's
 *   {@code GradientNormalization} (per layer or per parameter type) still runs inside the updater;
 *   {@link #describe(MultiLayerNetwork)} says which ones are active.</li>
 *   <li>The hidden state follows the sampling: with sequential partitioning, each batch starts from
 *   the state the previous one ended with (detached: no gradient crosses the batch boundary);
 *   with random sampling every batch starts from zero.</li>
 * </ul>
 */
public final class Trainer {
    private final int epochs;
    private final Double learningRate;
    private final double clipTheta;
    private final PrintStream progress;
    private final int printEvery;
    private final List<EpochListener> listeners;
    private final Supplier<BatchGradient> engineFactory;
    private final Dl4jListeners dl4jListeners;
    private final EarlyStopping stopping;

    private Trainer(Builder b) {
        this.epochs = b.epochs;
        this.learningRate = b.learningRate;
        this.clipTheta = b.clipTheta;
        this.progress = b.progress;
        this.printEvery = b.printEvery;
        this.listeners = List.copyOf(b.listeners);
        this.engineFactory = b.engineFactory;
        this.dl4jListeners = new Dl4jListeners(b.dl4jListeners);
        this.stopping = b.stopping;
    }

    private Trainer(Trainer t, PrintStream progress) {
        this.epochs = t.epochs;
        this.learningRate = t.learningRate;
        this.clipTheta = t.clipTheta;
        this.progress = progress;
        this.printEvery = t.printEvery;
        this.listeners = t.listeners;
        this.engineFactory = t.engineFactory;
        this.dl4jListeners = t.dl4jListeners;
        this.stopping = t.stopping;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This trainer without its banner and epoch lines (for runs whose caller reports them, such as a comparison over seeds). */
    public Trainer silent() {
        return new Trainer(this, null);
    }

    /** The number of epochs each fit trains. */
    public int epochs() {
        return epochs;
    }

    /** d2l's settings for {@code epochs} epochs: learning rate 2 per predicted token, clipping to global norm 1. */
    public static Builder d2l(int epochs) {
        return builder().epochs(epochs).learningRate(2).clipGlobalNorm(1);
    }

    /**
     * This trainer's step, one minibatch at a time, for code that drives training itself (the speed
     * benchmark interleaves several networks batch by batch): the same gradient engine, loss scale,
     * clipping and update as {@link #fit}, every batch starting from a zero state. Close it when done.
     * Public on purpose: the benchmark's timings must be of the Trainer's own step, and a test checks that these steps
     * train exactly as {@code fit} does.
     */
    public Steps stepwise(MultiLayerNetwork net) {
        Objects.requireNonNull(net, "net");
        TrainedNetwork trained = TrainedNetwork.of(net);
        applyLearningRate(trained);
        trained.prepare(engineFactory, false, 0);
        return new Steps(trained);
    }

    /** Training steps on one network, from {@link #stepwise}. */
    public final class Steps implements AutoCloseable {
        private final TrainedNetwork net;

        private Steps(TrainedNetwork net) {
            this.net = net;
        }

        /** Trains on one batch; returns its loss summed over the predicted tokens. */
        public double step(DataSet batch) {
            EpochLoop.checkedTokenCount(batch, "this minibatch");
            return Trainer.this.step(net, batch).lossSum();
        }

        /** What computes the gradients, as in {@link Trainer#describe(MultiLayerNetwork)}. */
        public String gradientPath() {
            return net.gradientPath(engineFactory);
        }

        @Override
        public void close() {
            net.finish();
        }
    }

    /** Trains on {@code train} for the configured number of epochs. */
    public TrainingResult fit(MultiLayerNetwork net, DataSetIterator train) {
        return fit(net, train, null);
    }

    /**
     * Trains on {@code train} and, after every epoch, measures the mean loss per predicted token
     * (and for cross-entropy the perplexity) on {@code validation} (may be null) with dropout off and
     * the state starting from zero in every batch.
     */
    public TrainingResult fit(MultiLayerNetwork net, DataSetIterator train, DataSetIterator validation) {
        Objects.requireNonNull(net, "net");
        return fit(TrainedNetwork.of(net), train, validation);
    }

    /** Trains a graph (e.g. a residual one) on {@code train}; see {@link #fit(ComputationGraph, DataSetIterator, DataSetIterator)}. */
    public TrainingResult fit(ComputationGraph graph, DataSetIterator train) {
        return fit(graph, train, null);
    }

    /**
     * Trains a {@code ComputationGraph} with one input and one output layer, such as the residual
     * and plain graphs of {@code DeepRnnBuilder.buildGraph} (notebook 6, "Residual
     * connections between stacked layers"), exactly as {@link #fit(MultiLayerNetwork, DataSetIterator, DataSetIterator)}
     * trains a stack: same loss scale, clipping, updater call, validation and progress lines. The
     * gradient is DL4J's own ({@code ComputationGraph.computeGradientAndScore}); the fused path and
     * {@link Builder#batchGradient} apply to a {@code MultiLayerNetwork} only.
     * <p>
     * Every batch starts from a zero state, so {@code train} must not carry the state across
     * batches: sequential partitioning is rejected. DL4J 1.0.0-M2.1's graph backpropagates its
     * recurrent layers from a zero state even when the forward pass started from a stored one, so
     * the gradient would not be that of the reported loss. Use random or window sampling.
     *
     * @throws IllegalArgumentException for an iterator that carries state, or a graph that is not
     *         initialised or does not have a single input and a single output layer
     */
    public TrainingResult fit(ComputationGraph graph, DataSetIterator train, DataSetIterator validation) {
        Objects.requireNonNull(graph, "graph");
        requireFreshState(train, "a ComputationGraph", "DL4J's graph backpropagates from a zero state, so the gradient "
                + "would not match the loss");
        return fit(TrainedNetwork.of(graph), train, validation);
    }

    /**
     * Trains {@code model} as {@link #fit(MultiLayerNetwork, DataSetIterator, DataSetIterator)} trains a network: the
     * same loss scale, clipping, progress lines, listeners, validation and stop on divergence, with plain SGD at this
     * trainer's learning rate, every batch from a zero state.
     *
     * @throws IllegalArgumentException if this trainer has no learning rate or DL4J listeners, or {@code train} or
     *         {@code validation} carries the state across batches
     */
    public TrainingResult fit(Trainable model, DataSetIterator train, DataSetIterator validation) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train iterator");
        String name = model.getClass().getSimpleName();
        if (learningRate == null) {
            throw new IllegalArgumentException(name + " has no updater of its own to take a learning rate from: give the "
                    + "trainer one, Trainer.builder().learningRate(...) or Trainer.d2l(epochs)");
        }
        if (!dl4jListeners.isEmpty()) {
            throw new IllegalArgumentException("DL4J's training listeners need a DL4J network, and " + name + " is not one: "
                    + "use listener(EpochListener) instead");
        }
        requireFreshState(train, "a " + name, name + " starts every batch from a zero state");
        requireFreshState(validation, "a " + name, name + " starts every batch from a zero state");
        if (progress != null) {
            progress.println(describe(model) + "; hidden state reset for every batch");
        }
        return new EpochLoop(epochs, printEvery, progress, listeners).stopEarly(stopping)
                .run(new TrainableSteps(model, new ClippedStep(clipTheta), learningRate), train, validation);
    }

    private static void requireFreshState(DataSetIterator data, String model, String why) {
        if (data instanceof SequenceIterator s && s.carriesStateAcrossBatches()) {
            throw new IllegalArgumentException("The trainer cannot carry the hidden state across batches for " + model
                    + " (" + data.getClass().getSimpleName() + " continues each row in the next batch): " + why
                    + ". Train it on RandomSampling or WindowSampling, whose batches start from zero");
        }
    }

    private TrainingResult fit(TrainedNetwork net, DataSetIterator train, DataSetIterator validation) {
        Objects.requireNonNull(train, "train iterator");
        boolean carry = train instanceof SequenceIterator s && s.carriesStateAcrossBatches();
        int numSteps = train instanceof SequenceIterator s ? s.numSteps() : 0;
        applyLearningRate(net);
        boolean crossEntropy = isCrossEntropy(net);
        if (progress != null) {
            progress.println(describe(net) + "; hidden state "
                    + (carry ? "carried across consecutive batches" : "reset for every batch"));
        }
        net.prepare(engineFactory, carry, numSteps);
        try {
            return new EpochLoop(epochs, printEvery, progress, listeners).stopEarly(stopping).run(new EpochLoop.Model() {
                @Override
                public void resetState() {
                    net.resetState();
                }

                @Override
                public void startEpoch() {
                    dl4jListeners.epochStart(net.model());
                }

                @Override
                public EpochLoop.Step step(DataSet batch) {
                    return Trainer.this.step(net, batch);
                }

                @Override
                public void endEpoch() {
                    dl4jListeners.epochEnd(net.model());
                    net.setEpochCount(net.epochCount() + 1);
                }

                @Override
                public double meanLoss(DataSetIterator validation) {
                    return Trainer.meanLoss(validation, net::validationLossSum);
                }

                @Override
                public boolean crossEntropy() {
                    return crossEntropy;
                }
            }, train, validation);
        } finally {
            net.finish();
        }
    }

    /** Sets this trainer's learning rate, or, without one, refuses a configured rate that is not positive. */
    private void applyLearningRate(TrainedNetwork net) {
        if (learningRate != null) {
            net.setLearningRate(learningRate);
        } else {
            ConfiguredRates.requirePositive(net);
        }
    }

    /**
     * d2l's step: the raw gradient averaged per predicted token, clipped by its global norm, then the updater;
     * not taken when the loss or the norm is NaN or infinite (the epoch loop then stops with the reason).
     * Afterwards the model's {@code score()} is the batch's mean loss per predicted token. DL4J's listeners
     * hear the step as in DL4J's {@code fit}: {@code onBackwardPass}, {@code onGradientCalculation} with the
     * gradient of that score before clipping, then, once the update is applied, {@code iterationDone} with
     * the iteration and epoch counts of the network's configuration, the update in {@code model.gradient()}.
     */
    private EpochLoop.Step step(TrainedNetwork net, DataSet batch) {
        long batchTokens = EpochLoop.tokenCount(batch);
        double lossSum = net.compute(batch);
        net.setScore(lossSum / batchTokens);
        Gradient gradient = net.gradient();
        return new ClippedStep(clipTheta).take(lossSum, gradient.gradient(), batchTokens, () -> {
            if (!dl4jListeners.isEmpty()) {
                net.exposeBatch(batch);
                dl4jListeners.backwardPass(net.model());
                dl4jListeners.gradientCalculation(net.model());
            }
        }, flat -> {
            int iteration = net.iterationCount();
            net.update(gradient, iteration, net.epochCount());
            net.params().subi(flat);
            dl4jListeners.iterationDone(net.model(), iteration, net.epochCount());
            net.setIterationCount(iteration + 1);
        });
    }

    /**
     * Perplexity of {@code net} on every batch of {@code data}: exp of the mean cross-entropy per
     * predicted token, dropout off, each batch starting from a zero state.
     *
     * @throws IllegalArgumentException if the network's output layer is not softmax with cross-entropy
     */
    public static double perplexity(MultiLayerNetwork net, DataSetIterator data) {
        return perplexity(TrainedNetwork.of(net), data);
    }

    /** {@link #perplexity(MultiLayerNetwork, DataSetIterator)} of a graph with one input and one output layer. */
    public static double perplexity(ComputationGraph graph, DataSetIterator data) {
        return perplexity(TrainedNetwork.of(graph), data);
    }

    private static double perplexity(TrainedNetwork net, DataSetIterator data) {
        if (!isCrossEntropy(net)) {
            throw new IllegalArgumentException("Perplexity needs a softmax output trained with cross-entropy; this network's "
                    + "output layer has another loss: measure meanLoss(net, data) instead");
        }
        return Math.exp(meanLoss(net, data));
    }

    /**
     * Mean loss per predicted token of {@code net} on every batch of {@code data} (cross-entropy for a
     * language model, squared error averaged over the output columns for DL4J's MSE), dropout off,
     * each batch starting from a zero state.
     */
    public static double meanLoss(MultiLayerNetwork net, DataSetIterator data) {
        return meanLoss(TrainedNetwork.of(net), data);
    }

    /** {@link #meanLoss(MultiLayerNetwork, DataSetIterator)} of a graph with one input and one output layer. */
    public static double meanLoss(ComputationGraph graph, DataSetIterator data) {
        return meanLoss(TrainedNetwork.of(graph), data);
    }

    /** {@link #meanLoss(MultiLayerNetwork, DataSetIterator)} of a model that is not a DL4J network. */
    public static double meanLoss(Trainable model, DataSetIterator data) {
        return meanLoss(data, model::lossSum);
    }

    private static double meanLoss(TrainedNetwork net, DataSetIterator data) {
        return meanLoss(data, batch -> net.score(batch) * batch.getFeatures().size(0));
    }

    private static double meanLoss(DataSetIterator data, ToDoubleFunction<DataSet> lossSumOfBatch) {
        data.reset();
        double lossSum = 0;
        long tokens = 0;
        while (data.hasNext()) {
            DataSet batch = data.next();
            lossSum += lossSumOfBatch.applyAsDouble(batch);
            tokens += EpochLoop.tokenCount(batch);
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("The iterator produced no minibatch: nothing to measure the loss on");
        }
        return lossSum / tokens;
    }

    /**
     * True when the network's output layer is a softmax trained with cross-entropy (MCXENT or
     * negative log-likelihood): then the loss per token has a perplexity.
     */
    public static boolean isCrossEntropy(MultiLayerNetwork net) {
        return isCrossEntropy(TrainedNetwork.of(net));
    }

    /** {@link #isCrossEntropy(MultiLayerNetwork)} for a graph with one input and one output layer. */
    public static boolean isCrossEntropy(ComputationGraph graph) {
        return isCrossEntropy(TrainedNetwork.of(graph));
    }

    private static boolean isCrossEntropy(TrainedNetwork net) {
        if (!(net.outputLayer() instanceof BaseOutputLayer out)) {
            return false;
        }
        return out.getLossFn() instanceof LossMCXENT && out.getActivationFn() instanceof ActivationSoftmax;
    }

    /**
     * One line saying what this trainer will do to {@code net}: learning rate, updater, which
     * clipping runs and which gradient path computes the minibatches.
     */
    public String describe(MultiLayerNetwork net) {
        return describe(TrainedNetwork.of(net));
    }

    /** {@link #describe(MultiLayerNetwork)} for a graph; per-layer clipping names the layer's vertex. */
    public String describe(ComputationGraph graph) {
        return describe(TrainedNetwork.of(graph));
    }

    /** {@link #describe(MultiLayerNetwork)} for a model that is not a DL4J network: plain SGD at this trainer's rate. */
    public String describe(Trainable model) {
        return new TrainingDescription(epochs, stopping, learningRate, clipTheta)
                .of(model.numParams(), "SGD", null, model.crossEntropy(), List.of(), model.gradientPath());
    }

    private String describe(TrainedNetwork net) {
        IUpdater updater = net.firstLayer() instanceof BaseLayer base ? base.getIUpdater() : null;
        return new TrainingDescription(epochs, stopping, learningRate, clipTheta).of(net.numParams(),
                updater == null ? null : updater.getClass().getSimpleName(), updater, isCrossEntropy(net),
                TrainingDescription.layerClipping(net), net.gradientPath(engineFactory));
    }

    /** Settings of a {@link Trainer}; defaults follow d2l: SGD from the configuration, clipping to norm 1. */
    public static final class Builder {
        private int epochs = 10;
        private Double learningRate;
        private double clipTheta = 1.0;
        private PrintStream progress = System.out;
        private int printEvery;
        private final List<EpochListener> listeners = new ArrayList<>();
        private final List<TrainingListener> dl4jListeners = new ArrayList<>();
        private Supplier<BatchGradient> engineFactory;
        private EarlyStopping stopping;

        public Builder epochs(int epochs) {
            this.epochs = Require.atLeastOne("epochs", epochs);
            return this;
        }

        /** Learning rate per predicted token, as in d2l; replaces the one in the network's configuration. */
        public Builder learningRate(double learningRate) {
            this.learningRate = Require.positiveFinite("learningRate", learningRate);
            return this;
        }

        /** Clip the gradient's global L2 norm to {@code theta} (d2l uses 1). */
        public Builder clipGlobalNorm(double theta) {
            this.clipTheta = Require.positiveFinite("The clipping threshold", theta, "use noClipping() to switch clipping off");
            return this;
        }

        /** No global clipping (DL4J per-layer normalisation from the configuration, if any, still runs). */
        public Builder noClipping() {
            this.clipTheta = 0;
            return this;
        }

        /** Where progress lines go; null for silence. */
        public Builder progress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        /** Print a progress line every n epochs (default: about ten lines per run). */
        public Builder printEvery(int n) {
            this.printEvery = n;
            return this;
        }

        public Builder listener(EpochListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * A DL4J training listener (e.g. the training UI's {@code StatsListener}), called where DL4J's {@code fit} would
         * call it, the score being each batch's mean loss per token; not {@code onForwardPass}: no activation statistics.
         */
        public Builder dl4jListener(TrainingListener listener) {
            this.dl4jListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * How each minibatch's gradient of a {@code MultiLayerNetwork} is computed, instead of the engine
         * {@link org.deeprnn.engine.choice.EngineChoice} chooses (oneDNN, else fused, else DL4J). A {@code ComputationGraph}
         * always takes DL4J's backpropagation.
         */
        public Builder batchGradient(Supplier<BatchGradient> engineFactory) {
            this.engineFactory = Objects.requireNonNull(engineFactory, "engineFactory");
            return this;
        }

        /**
         * Stop a fit once its validation metric has not improved for {@code patience} epochs; {@link #epochs} is then
         * the cap. A fit without a validation iterator is refused.
         */
        public Builder earlyStopping(int patience) {
            this.stopping = EarlyStopping.afterNoImprovementFor(patience);
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
