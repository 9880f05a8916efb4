package org.deeprnn.model;

import org.deeprnn.check.Require;
import org.deeprnn.layer.GRU;
import org.deeprnn.text.Vocab;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Objects;

/**
 * Builds the configuration of a deep RNN: L stacked recurrent layers ({@link CellType}: DL4J's
 * LSTM or SimpleRnn, or the project's GRU) topped by an {@code RnnOutputLayer} applied at every
 * step (sections "Concise implementation", "Deep RNN architecture" and "Deep GRU"). By default it
 * is a language model, one-hot vocabulary in, softmax and cross-entropy out; {@link #inputSize},
 * {@link #outputSize} and {@link OutputMode#IDENTITY_MSE} make it a regression model on
 * real-valued series (notebook 4). The number of layers is the only thing that separates it from
 * a single-layer model. {@link #buildGraph(boolean)} builds the same stack as a
 * {@code ComputationGraph}, optionally with residual connections between the recurrent layers.
 */
public final class DeepRnnBuilder {
    /** Name of the input of a graph from {@link #buildGraph(boolean)}. */
    public static final String GRAPH_INPUT = "input";
    /** Name of the output layer of a graph from {@link #buildGraph(boolean)}. */
    public static final String GRAPH_OUTPUT = "output";

    private CellType cell = CellType.LSTM;
    private int layers = 2;
    private int hiddenUnits = 256;
    private int inputSize = -1;
    private int outputSize = -1;
    private OutputMode outputMode = OutputMode.SOFTMAX_CROSS_ENTROPY;
    private double dropout = 0.0;
    private boolean layerNorm;
    private IWeightInit weightInit = new WeightInitXavier();
    private IUpdater updater = new Sgd(1.0);
    private long seed = 42;
    private DataType dataType = DataType.FLOAT;
    private GradientNormalization gradientNormalization = GradientNormalization.None;
    private double gradientNormalizationThreshold = 1.0;

    /** A language model over {@code vocab}: one-hot input and softmax output of its size. */
    public static DeepRnnBuilder forVocabulary(Vocab vocab) {
        return new DeepRnnBuilder().vocabSize(Objects.requireNonNull(vocab, "vocab").size());
    }

    /** The recurrent cell of every hidden layer (LSTM by default). */
    public DeepRnnBuilder cell(CellType cell) {
        if (cell == null) {
            throw new IllegalArgumentException("cell must be one of " + java.util.Arrays.toString(CellType.values()) + ", got null");
        }
        this.cell = cell;
        return this;
    }

    /** Number of stacked recurrent layers L (at least 1). */
    public DeepRnnBuilder layers(int layers) {
        this.layers = layers;
        return this;
    }

    /** Hidden units h of every recurrent layer. */
    public DeepRnnBuilder hiddenUnits(int hiddenUnits) {
        this.hiddenUnits = hiddenUnits;
        return this;
    }

    /** Size of the one-hot input and of the softmax output: sets both {@link #inputSize} and {@link #outputSize}. */
    public DeepRnnBuilder vocabSize(int vocabSize) {
        this.inputSize = vocabSize;
        this.outputSize = vocabSize;
        return this;
    }

    /** Number of input features d per step (the vocabulary size for one-hot text, 1 for a single series). */
    public DeepRnnBuilder inputSize(int inputSize) {
        this.inputSize = inputSize;
        return this;
    }

    /** Number of outputs q per step (the vocabulary size for text, 1 to predict one value). */
    public DeepRnnBuilder outputSize(int outputSize) {
        this.outputSize = outputSize;
        return this;
    }

    /** The output layer's activation and loss; {@link OutputMode#SOFTMAX_CROSS_ENTROPY} by default. */
    public DeepRnnBuilder output(OutputMode mode) {
        this.outputMode = required(mode, "output", "OutputMode.SOFTMAX_CROSS_ENTROPY (the default) or OutputMode.IDENTITY_MSE");
        return this;
    }

    /** Probability of dropping a unit of a layer's output before it enters the layer above (0 = off), as PyTorch's stacked RNNs do. */
    public DeepRnnBuilder dropout(double dropProbability) {
        this.dropout = dropProbability;
        return this;
    }

    /**
     * Layer normalisation of every recurrent layer's gate products (off by default): the project's
     * {@link GRU#isLayerNorm() layer-normalised GRU}, so only with {@code cell(CellType.GRU)}. With the
     * same seed the layers start from the same weights as without it, the gains at 1. Such networks
     * train on DL4J's backpropagation (the fused and oneDNN engines do not handle them).
     */
    public DeepRnnBuilder layerNorm(boolean layerNorm) {
        this.layerNorm = layerNorm;
        return this;
    }

    public DeepRnnBuilder weightInit(IWeightInit weightInit) {
        this.weightInit = required(weightInit, "weightInit", "new WeightInitXavier() (the default)");
        return this;
    }

    /** The updater; its learning rate is overridden by the trainer when the trainer is given one. */
    public DeepRnnBuilder updater(IUpdater updater) {
        this.updater = required(updater, "updater", "new Sgd(1.0) (the default)");
        return this;
    }

    public DeepRnnBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * DL4J's built-in gradient normalisation, which acts per layer or per parameter type inside the
     * updater (off by default). d2l instead clips the global norm over all parameters, which the
     * trainer does; this option is here to compare the two.
     */
    public DeepRnnBuilder gradientNormalization(GradientNormalization type, double threshold) {
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("The gradient normalization threshold must be positive, got " + threshold);
        }
        this.gradientNormalization = required(type, "gradientNormalization's type", "GradientNormalization.None to switch it off");
        this.gradientNormalizationThreshold = threshold;
        return this;
    }

    public DeepRnnBuilder dataType(DataType dataType) {
        this.dataType = required(dataType, "dataType", "DataType.FLOAT (the default) or DataType.DOUBLE");
        return this;
    }

    /** The parameter formulas for the model this builder describes. */
    public ParameterCount parameterCount() {
        requireSizes();
        validateLayerNorm();
        return new ParameterCount(cell, layers, hiddenUnits, inputSize, outputSize, layerNorm);
    }

    public MultiLayerConfiguration build() {
        validate();
        NeuralNetConfiguration.ListBuilder list = baseConfiguration().list();
        for (int l = 1; l <= layers; l++) {
            list.layer(recurrentLayer(l));
        }
        list.layer(outputLayer());
        return list.build();
    }

    /** The network of {@link #build()}, created and initialised (its parameters drawn from the seed), ready to train. */
    public MultiLayerNetwork network() {
        MemoryCheck.requireFits(parameterCount(), dataType, updater);
        MultiLayerNetwork net = new MultiLayerNetwork(build());
        net.init();
        return net;
    }

    /** The graph of {@link #buildGraph(boolean)}, created and initialised, ready to train. */
    public ComputationGraph graph(boolean residual) {
        MemoryCheck.requireFits(parameterCount(), dataType, updater);
        ComputationGraph graph = new ComputationGraph(buildGraph(residual));
        graph.init();
        return graph;
    }

    /**
     * The same model as a {@code ComputationGraph}, with or without residual connections (notebook 6,
     * "Residual connections between stacked layers"). Layer 1 reads the input; for l >= 2, with {@code residual},
     * the output of block l is layer l's output plus its input, H^(l) = f_l(H^(l-1)) + H^(l-1)
     * (an {@code ElementWiseVertex} Add, which needs every hidden layer to have the same width, as
     * this builder's do); the output layer reads the top block. Without {@code residual} the graph is
     * the chain {@link #build()} describes, layer for layer with the same parameters, so the two can
     * be compared like with like. With dropout, layer l >= 2 drops units of its own input only; the
     * skip carries the undropped input.
     * <p>
     * Vertices are named {@link #GRAPH_INPUT}, {@link #recurrentVertex(int)} ("rnn1", "rnn2", ...),
     * {@link #residualVertex(int)} ("add2", ...) and {@link #GRAPH_OUTPUT}.
     *
     * @throws IllegalArgumentException for the settings {@link #build()} rejects, and for a residual
     *         graph of one layer, which has no connection to add
     */
    public ComputationGraphConfiguration buildGraph(boolean residual) {
        validate();
        if (residual && layers < 2) {
            throw new IllegalArgumentException("Residual connections add layer l's input to its output for l >= 2, so they "
                    + "need at least 2 recurrent layers, got layers(" + layers + "): use buildGraph(false) for one layer");
        }
        ComputationGraphConfiguration.GraphBuilder graph = baseConfiguration().graphBuilder()
                .addInputs(GRAPH_INPUT)
                .setInputTypes(InputType.recurrent(inputSize));
        String below = GRAPH_INPUT;
        for (int l = 1; l <= layers; l++) {
            String in = below;
            graph.addLayer(recurrentVertex(l), recurrentLayer(l), in);
            below = recurrentVertex(l);
            if (residual && l >= 2) {
                graph.addVertex(residualVertex(l), new ElementWiseVertex(ElementWiseVertex.Op.Add), below, in);
                below = residualVertex(l);
            }
        }
        graph.addLayer(GRAPH_OUTPUT, outputLayer(), below);
        return graph.setOutputs(GRAPH_OUTPUT).build();
    }

    /** Name of recurrent layer {@code l} (counted from 1) in a graph from {@link #buildGraph(boolean)}. */
    public static String recurrentVertex(int l) {
        return "rnn" + l;
    }

    /** Name of the addition f_l(H^(l-1)) + H^(l-1) after layer {@code l} >= 2 in a residual graph. */
    public static String residualVertex(int l) {
        return "add" + l;
    }

    private void validate() {
        Require.atLeastOne("layers", layers, "a deep RNN has at least one recurrent layer");
        Require.atLeastOne("hiddenUnits", hiddenUnits, "every layer needs at least one unit");
        requireSizes();
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout is a drop probability in [0, 1), got " + dropout);
        }
        validateLayerNorm();
    }

    private void validateLayerNorm() {
        if (!layerNorm) {
            return;
        }
        if (cell != CellType.GRU) {
            throw new IllegalArgumentException("layerNorm(true) needs cell(CellType.GRU), got " + cell + ": DL4J 1.0.0-M2.1's "
                    + "LSTM has no layer normalisation and SimpleRnn's fails in its forward pass (deeplearning4j issue 9888)");
        }
        if (hiddenUnits < 2) {
            throw new IllegalArgumentException("layerNorm(true) needs hiddenUnits of at least 2, got " + hiddenUnits
                    + ": a gate of one unit normalises to 0 whatever its input");
        }
    }

    private NeuralNetConfiguration.Builder baseConfiguration() {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .weightInit(weightInit)
                .updater(updater)
                .gradientNormalization(gradientNormalization)
                .gradientNormalizationThreshold(gradientNormalizationThreshold);
    }

    /** Recurrent layer {@code l}, counted from 1: it reads the input when l = 1 and the layer below otherwise. */
    private BaseRecurrentLayer recurrentLayer(int l) {
        BaseRecurrentLayer.Builder<?> layer = switch (cell) {
            case LSTM -> new LSTM.Builder().activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID);
            case SIMPLE_RNN -> new SimpleRnn.Builder().activation(Activation.TANH);
            case GRU -> new GRU.Builder().layerNorm(layerNorm);
        };
        layer.nIn(l == 1 ? inputSize : hiddenUnits).nOut(hiddenUnits);
        if (l > 1 && dropout > 0) {
            layer.dropOut(new Dropout(1.0 - dropout)); // DL4J takes the retain probability
        }
        return layer.build();
    }

    private RnnOutputLayer outputLayer() {
        return new RnnOutputLayer.Builder(outputMode.loss())
                .activation(outputMode.activation())
                .nIn(hiddenUnits).nOut(outputSize)
                .build();
    }

    private void requireSizes() {
        if (inputSize <= 0 && outputSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be at least 1, got " + inputSize + ": set vocabSize(...) to "
                    + "the size of the Vocab the data uses, or inputSize(...) and outputSize(...) to the number of "
                    + "input features and outputs per step");
        }
        Require.atLeastOne("inputSize", inputSize, "set it to the number of input features per step (vocabSize(...) for one-hot text)");
        Require.atLeastOne("outputSize", outputSize, "set it to the number of values predicted per step (vocabSize(...) for text)");
    }

    private static <T> T required(T value, String name, String example) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null: pass " + example);
        }
        return value;
    }
}
