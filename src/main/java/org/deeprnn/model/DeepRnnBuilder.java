package org.deeprnn.model;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.deeprnn.layer.GRU;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the configuration of a deep RNN language model: L stacked recurrent layers
 * ({@link CellType}: DL4J's LSTM or SimpleRnn, or the project's GRU) over a one-hot vocabulary,
 * topped by an {@code RnnOutputLayer} with softmax and cross-entropy at every step (sections
 * "Concise implementation", "Deep RNN architecture" and "Deep GRU").
 * The number of layers is the only thing that separates it from a single-layer model.
 */
public final class DeepRnnBuilder {
    private CellType cell = CellType.LSTM;
    private int layers = 2;
    private int hiddenUnits = 256;
    private int vocabSize = -1;
    private double dropout = 0.0;
    private IWeightInit weightInit = new WeightInitXavier();
    private IUpdater updater = new Sgd(1.0);
    private long seed = 42;
    private DataType dataType = DataType.FLOAT;
    private GradientNormalization gradientNormalization = GradientNormalization.None;
    private double gradientNormalizationThreshold = 1.0;

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

    /** Size of the one-hot input and of the softmax output. */
    public DeepRnnBuilder vocabSize(int vocabSize) {
        this.vocabSize = vocabSize;
        return this;
    }

    /** Probability of dropping a unit of a layer's output before it enters the layer above (0 = off), as PyTorch's stacked RNNs do. */
    public DeepRnnBuilder dropout(double dropProbability) {
        this.dropout = dropProbability;
        return this;
    }

    public DeepRnnBuilder weightInit(IWeightInit weightInit) {
        this.weightInit = weightInit;
        return this;
    }

    /** The updater; its learning rate is overridden by the trainer when the trainer is given one. */
    public DeepRnnBuilder updater(IUpdater updater) {
        this.updater = updater;
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
        this.gradientNormalization = type;
        this.gradientNormalizationThreshold = threshold;
        return this;
    }

    public DeepRnnBuilder dataType(DataType dataType) {
        this.dataType = dataType;
        return this;
    }

    /** The parameter formulas for the model this builder describes. */
    public ParameterCount parameterCount() {
        requireVocab();
        return new ParameterCount(cell, layers, hiddenUnits, vocabSize, vocabSize);
    }

    public MultiLayerConfiguration build() {
        requirePositive("layers", layers, "a deep RNN has at least one recurrent layer");
        requirePositive("hiddenUnits", hiddenUnits, "every layer needs at least one unit");
        requireVocab();
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout is a drop probability in [0, 1), got " + dropout);
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .weightInit(weightInit)
                .updater(updater)
                .gradientNormalization(gradientNormalization)
                .gradientNormalizationThreshold(gradientNormalizationThreshold)
                .list();
        for (int l = 1; l <= layers; l++) {
            int in = l == 1 ? vocabSize : hiddenUnits;
            BaseRecurrentLayer.Builder<?> layer = switch (cell) {
                case LSTM -> new LSTM.Builder().activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID);
                case SIMPLE_RNN -> new SimpleRnn.Builder().activation(Activation.TANH);
                case GRU -> new GRU.Builder();
            };
            layer.nIn(in).nOut(hiddenUnits);
            if (l > 1 && dropout > 0) {
                layer.dropOut(new Dropout(1.0 - dropout)); // DL4J takes the retain probability
            }
            list.layer(layer.build());
        }
        list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(hiddenUnits).nOut(vocabSize)
                .build());
        return list.build();
    }

    private void requireVocab() {
        requirePositive("vocabSize", vocabSize, "set it to the size of the Vocab the data uses");
    }

    static void requirePositive(String name, int value, String why) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value + ": " + why);
        }
    }
}
