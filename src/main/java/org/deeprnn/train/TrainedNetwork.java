package org.deeprnn.train;

import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operations the {@link Trainer} performs on a network, for both kinds of DL4J network it
 * trains: {@link MultiLayerNetwork} (every stacked model) and {@link ComputationGraph} (the residual
 * models of notebook 6, "Residual connections between stacked layers"). One training loop then serves both. An
 * instance holds the gradient path of one {@code fit} call between {@link #prepare} and {@link #finish}.
 */
abstract sealed class TrainedNetwork permits TrainedNetwork.Layered, TrainedNetwork.Graph {

    static TrainedNetwork of(MultiLayerNetwork net) {
        return new Layered(net);
    }

    /**
     * @throws IllegalArgumentException unless the graph is initialised and has one input and one
     *         output, the latter an output layer (as the graphs of {@code DeepRnnBuilder.buildGraph} are)
     */
    static TrainedNetwork of(ComputationGraph graph) {
        if (graph.getLayers() == null) {
            throw new IllegalArgumentException("The ComputationGraph is not initialised: call graph.init() before training or scoring it");
        }
        if (graph.getNumInputArrays() != 1 || graph.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("The trainer handles graphs with one input and one output (a sequence model); "
                    + "this one has " + graph.getNumInputArrays() + " input(s) and " + graph.getNumOutputArrays() + " output(s)");
        }
        if (!(graph.getOutputLayer(0) instanceof IOutputLayer)) {
            throw new IllegalArgumentException("The graph's output vertex '" + graph.getConfiguration().getNetworkOutputs().get(0)
                    + "' is not an output layer with a loss (e.g. RnnOutputLayer): there is nothing to train against");
        }
        return new Graph(graph);
    }

    abstract long numParams();

    /** The flattened parameters, a view that an in-place update changes. */
    abstract INDArray params();

    abstract void setLearningRate(double learningRate);

    /** Configuration of the layer that produces the output. */
    abstract Layer outputLayer();

    /** Configuration of the first layer that holds parameters, which carries the updater. */
    abstract Layer firstLayer();

    /** Every layer's configuration by the label a description uses (index or vertex name), in order. */
    abstract Map<String, Layer> layersByLabel();

    /** DL4J's test-time score of one batch from a zero state: loss summed over steps, averaged over sequences. */
    abstract double score(DataSet batch);

    /**
     * The loss of {@code batch} summed over its predicted tokens, from a zero state and with dropout
     * off, while training is prepared (validation after each epoch): DL4J's score unless a faster
     * engine trains the network.
     */
    double validationLossSum(DataSet batch) {
        return score(batch) * batch.getFeatures().size(0);
    }

    /** What computes the minibatch gradients, for {@link Trainer#describe}. */
    abstract String gradientPath(Supplier<BatchGradient> engineFactory);

    /** Chooses and prepares the gradient path; nothing else may change the network until {@link #finish}. */
    abstract void prepare(Supplier<BatchGradient> engineFactory, boolean carryState, int numSteps);

    /** Writes the raw gradient of {@code batch} into {@link #gradient()}; returns the loss summed over its tokens. */
    abstract double compute(DataSet batch);

    abstract Gradient gradient();

    /** Applies the updater to {@code gradient} in place, as for a minibatch of size 1. */
    abstract void update(Gradient gradient, int iteration, int epoch);

    abstract void resetState();

    abstract void finish();

    abstract int iterationCount();

    abstract void setIterationCount(int count);

    abstract int epochCount();

    abstract void setEpochCount(int count);

    /** The DL4J model itself, as DL4J's training listeners receive it. */
    abstract org.deeplearning4j.nn.api.Model model();

    /** Sets what {@code score()} of the DL4J model returns (DL4J's listeners read it). */
    abstract void setScore(double score);

    /**
     * Makes {@code batch} the model's current input and labels, as after DL4J's own step, for listeners that
     * read them (StatsListener counts examples through {@code batchSize()}); the fused and oneDNN engines
     * never set them.
     */
    abstract void exposeBatch(DataSet batch);

    static final class Layered extends TrainedNetwork {
        private final MultiLayerNetwork net;
        private BatchGradient engine;
        private BatchGradient maskEngine;
        private boolean carry;
        private int numSteps;
        private Updater updater;

        Layered(MultiLayerNetwork net) {
            this.net = net;
        }

        @Override
        long numParams() {
            return net.numParams();
        }

        @Override
        INDArray params() {
            return net.params();
        }

        @Override
        void setLearningRate(double learningRate) {
            net.setLearningRate(learningRate);
        }

        @Override
        Layer outputLayer() {
            return net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        }

        @Override
        Layer firstLayer() {
            return net.getLayerWiseConfigurations().getConf(0).getLayer();
        }

        @Override
        Map<String, Layer> layersByLabel() {
            Map<String, Layer> layers = new LinkedHashMap<>();
            for (int i = 0; i < net.getnLayers(); i++) {
                layers.put(String.valueOf(i), net.getLayerWiseConfigurations().getConf(i).getLayer());
            }
            return layers;
        }

        @Override
        double score(DataSet batch) {
            return net.score(batch, false);
        }

        @Override
        String gradientPath(Supplier<BatchGradient> engineFactory) {
            return engineFactory != null ? engineFactory.get().getClass().getSimpleName() : EngineChoice.of(net).describe();
        }

        /**
         * The given engine, else {@link EngineChoice}'s; refused when the state is carried and the engine's gradient
         * would not be that of the loss.
         */
        @Override
        void prepare(Supplier<BatchGradient> engineFactory, boolean carryState, int numSteps) {
            EngineChoice choice = EngineChoice.of(net, carryState);
            if (engineFactory == null) {
                engine = choice.create();
            } else {
                engine = engineFactory.get();
                String problem = carryState ? engine.carriedStateProblem(net) : null;
                if (problem != null) {
                    choice.refuseCarriedState(engine.getClass().getSimpleName(), problem);
                }
            }
            this.carry = carryState;
            this.numSteps = numSteps;
            engine.prepare(net, carryState, numSteps);
            updater = net.getUpdater();
        }

        /** A masked batch goes to DL4J's engine when the chosen one cannot read masks (every batch starts from zero then). */
        @Override
        double compute(DataSet batch) {
            boolean masked = batch.getFeaturesMaskArray() != null || batch.getLabelsMaskArray() != null;
            if (!masked || engine.handlesMasks()) {
                return engine.compute(net, batch);
            }
            if (carry) {
                throw new IllegalArgumentException("This batch has masks, which " + engine.getClass().getSimpleName()
                        + " cannot read, and the state is carried across batches, which DL4J's engine would not differentiate "
                        + "exactly: train masked data on an iterator whose batches start from zero");
            }
            if (maskEngine == null) {
                maskEngine = new Dl4jBatchGradient();
                maskEngine.prepare(net, false, numSteps);
            }
            return maskEngine.compute(net, batch);
        }

        /**
         * The oneDNN and fused engines compute the loss faster than DL4J runs its forward pass alone, so
         * validation goes through them too ({@link BatchGradient#evaluate}: dropout off); the gradient they
         * may write is overwritten by the next training step, and the state they carry is reset before the next epoch.
         */
        @Override
        double validationLossSum(DataSet batch) {
            boolean masked = batch.getFeaturesMaskArray() != null || batch.getLabelsMaskArray() != null;
            if (engine == null || engine instanceof Dl4jBatchGradient || (masked && !engine.handlesMasks())) {
                return super.validationLossSum(batch);
            }
            return engine.evaluate(net, batch);
        }

        @Override
        Gradient gradient() {
            return net.gradient();
        }

        @Override
        void update(Gradient gradient, int iteration, int epoch) {
            updater.update(net, gradient, iteration, epoch, 1, LayerWorkspaceMgr.noWorkspaces());
        }

        @Override
        void resetState() {
            engine.resetState(net);
        }

        /** Undoes what the engines changed in the network and closes them (oneDNN's natives). */
        @Override
        void finish() {
            try (BatchGradient closing = engine; BatchGradient mask = maskEngine) {
                if (mask != null) {
                    mask.finish(net);
                }
                closing.finish(net);
            } finally {
                maskEngine = null;
            }
        }

        @Override
        int iterationCount() {
            return net.getIterationCount();
        }

        @Override
        void setIterationCount(int count) {
            net.getLayerWiseConfigurations().setIterationCount(count);
        }

        @Override
        int epochCount() {
            return net.getEpochCount();
        }

        @Override
        void setEpochCount(int count) {
            net.getLayerWiseConfigurations().setEpochCount(count);
        }

        @Override
        org.deeplearning4j.nn.api.Model model() {
            return net;
        }

        @Override
        void setScore(double score) {
            net.setScore(score);
        }

        @Override
        void exposeBatch(DataSet batch) {
            if (net.getInput() != batch.getFeatures()) {
                net.setInput(batch.getFeatures());
                net.setLabels(batch.getLabels());
            }
        }
    }

    /**
     * A graph always takes DL4J's own backpropagation ({@code ComputationGraph.computeGradientAndScore}),
     * every batch from a zero state: the fused path handles stacks only, and the {@link Trainer}
     * refuses carried state for graphs before this is reached.
     */
    static final class Graph extends TrainedNetwork {
        private final ComputationGraph graph;
        private ComputationGraphUpdater updater;

        Graph(ComputationGraph graph) {
            this.graph = graph;
        }

        @Override
        long numParams() {
            return graph.numParams();
        }

        @Override
        INDArray params() {
            return graph.params();
        }

        @Override
        void setLearningRate(double learningRate) {
            graph.setLearningRate(learningRate);
        }

        @Override
        Layer outputLayer() {
            return graph.getOutputLayer(0).conf().getLayer();
        }

        @Override
        Layer firstLayer() {
            for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                if (layer.numParams() > 0) {
                    return layer.conf().getLayer();
                }
            }
            return graph.getLayers()[0].conf().getLayer();
        }

        @Override
        Map<String, Layer> layersByLabel() {
            Map<String, Layer> layers = new LinkedHashMap<>();
            for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                layers.put(layer.conf().getLayer().getLayerName(), layer.conf().getLayer());
            }
            return layers;
        }

        @Override
        double score(DataSet batch) {
            return graph.score(batch, false);
        }

        @Override
        String gradientPath(Supplier<BatchGradient> engineFactory) {
            return EngineChoice.of(graph, false).describe()
                    + (engineFactory != null ? " (the configured batchGradient applies to MultiLayerNetwork only)" : "");
        }

        @Override
        void prepare(Supplier<BatchGradient> engineFactory, boolean carryState, int numSteps) {
            if (carryState) {
                throw new IllegalStateException("carried state is not supported for a ComputationGraph");
            }
            graph.rnnClearPreviousState();
            updater = graph.getUpdater();
        }

        @Override
        double compute(DataSet batch) {
            graph.setInputs(batch.getFeatures());
            graph.setLabels(batch.getLabels());
            graph.setLayerMaskArrays(single(batch.getFeaturesMaskArray()), single(batch.getLabelsMaskArray()));
            graph.computeGradientAndScore();
            graph.clearLayerMaskArrays();
            // As for a MultiLayerNetwork, DL4J's score is the loss summed over all steps divided by the number of sequences.
            return graph.score() * batch.getFeatures().size(0);
        }

        private static INDArray[] single(INDArray mask) {
            return mask == null ? null : new INDArray[]{mask};
        }

        @Override
        Gradient gradient() {
            return graph.gradient();
        }

        @Override
        void update(Gradient gradient, int iteration, int epoch) {
            updater.update(gradient, iteration, epoch, 1, LayerWorkspaceMgr.noWorkspaces());
        }

        @Override
        void resetState() {
            graph.rnnClearPreviousState();
        }

        @Override
        void finish() {
            graph.rnnClearPreviousState();
        }

        @Override
        int iterationCount() {
            return graph.getIterationCount();
        }

        @Override
        void setIterationCount(int count) {
            graph.getConfiguration().setIterationCount(count);
        }

        @Override
        int epochCount() {
            return graph.getEpochCount();
        }

        @Override
        void setEpochCount(int count) {
            graph.getConfiguration().setEpochCount(count);
        }

        @Override
        org.deeplearning4j.nn.api.Model model() {
            return graph;
        }

        @Override
        void setScore(double score) {
            graph.setScore(score);
        }

        /** {@link #compute} has set the graph's inputs and labels already. */
        @Override
        void exposeBatch(DataSet batch) {
        }
    }
}
