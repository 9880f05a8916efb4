package org.deeprnn.scratch;

import org.deeprnn.train.EpochLoop;
import org.deeprnn.train.Trainable;
import org.deeprnn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.scratch.ScratchDeepRnn.LayerWeights;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * The deep RNN of notebook 5, "3. Exercise 1: a two-layer RNN from single layers, trained by SameDiff": one
 * function builds a single recurrent layer, H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), unrolled over
 * T steps as SameDiff ops ({@link #rnnLayer}); the deep model calls it once per layer, feeding the
 * hidden states of layer l to layer l+1, and tops the last layer with O_t = H_t^(L) W_hq + b_q and the
 * mean softmax cross-entropy per predicted token. ND4J's automatic differentiation supplies the
 * gradients, so no backward pass is written by hand. The model is a {@link Trainable}: the project's
 * {@link Trainer} trains it with the same loop, clipping and progress lines as a DL4J network.
 *
 * <p>Data come in DL4J's recurrent layout: features and one-hot labels [n, vocab, T]. The graph's
 * batch dimension is open, so the last, smaller minibatch of an epoch runs through the same graph;
 * one graph is built per sequence length T and all graphs share this model's parameter arrays.
 * Every batch starts from a zero hidden state. Instances are not meant to be shared between threads.
 *
 * <p>The model trades speed for transparency: SameDiff executes the unrolled graph op by op (about
 * 230 forward ops for two layers and 35 steps, several times that backward), and the first batch of
 * each sequence length also pays for building the graph and its backward function.
 */
public final class SameDiffDeepRnn implements Trainable {
    /** Name of the features placeholder, [n, d, T]. */
    public static final String FEATURES = "features";
    /** Name of the labels placeholder, one-hot [n, q, T]. */
    public static final String LABELS = "labels";
    /** Name of the logits output, [n, q, T]. */
    public static final String LOGITS = "logits";
    /** Name of the loss output: mean cross-entropy per predicted token. */
    public static final String LOSS = "loss";

    private final List<LayerWeights> layers;
    private final INDArray whq;
    private final INDArray bq;
    private final DataType dataType;
    private final List<String> names;
    private final Map<String, INDArray> params;
    private final UnrolledGraphs graphs;

    /**
     * A model with fresh weights: every matrix drawn from N(0, 2 / (fan_in + fan_out)), DL4J's default
     * Xavier initialisation (with W_hh^(l) using fan_in = fan_out = h, as DL4J's SimpleRnn does), every
     * bias zero. The same seed gives the same weights.
     */
    public SameDiffDeepRnn(int inputSize, int hiddenUnits, int numLayers, int outputSize, long seed, DataType dataType) {
        this(GaussianWeights.draw(inputSize, hiddenUnits, numLayers, outputSize, seed, dataType,
                (fanIn, fanOut) -> Math.sqrt(2.0 / (fanIn + fanOut))));
    }

    private SameDiffDeepRnn(ScratchDeepRnn weights) {
        List<LayerWeights> own = new ArrayList<>();
        for (int l = 1; l <= weights.numLayers(); l++) {
            LayerWeights w = weights.layer(l);
            own.add(new LayerWeights(w.wxh().dup('c'), w.whh().dup('c'), w.bh().dup('c')));
        }
        this.layers = List.copyOf(own);
        this.whq = weights.whq().dup('c');
        this.bq = weights.bq().dup('c');
        this.dataType = weights.dataType();
        Map<String, INDArray> byName = new LinkedHashMap<>();
        for (int l = 1; l <= layers.size(); l++) {
            LayerWeights w = layers.get(l - 1);
            byName.put(wxhName(l), w.wxh());
            byName.put(whhName(l), w.whh());
            byName.put(bhName(l), w.bh());
        }
        byName.put("W_hq", whq);
        byName.put("b_q", bq);
        this.params = byName;
        this.names = List.copyOf(byName.keySet());
        this.graphs = new UnrolledGraphs(layers, whq, bq, dataType, params);
    }

    /**
     * A model with a copy of the weights of {@code weights}, e.g. {@link ScratchDeepRnn#fromNetwork}
     * of a DL4J SimpleRnn stack, so that both start from identical parameters.
     */
    public static SameDiffDeepRnn of(ScratchDeepRnn weights) {
        return new SameDiffDeepRnn(Objects.requireNonNull(weights, "weights"));
    }

    /**
     * A model with a copy of the weights of a DL4J SimpleRnn stack (the network
     * {@link org.deeprnn.model.DeepRnnBuilder} builds with {@code CellType.SIMPLE_RNN}); the weight
     * mapping and the structural checks are {@link ScratchDeepRnn#fromNetwork}'s.
     *
     * @throws IllegalArgumentException if the network has another structure
     */
    public static SameDiffDeepRnn fromNetwork(MultiLayerNetwork net) {
        return new SameDiffDeepRnn(ScratchDeepRnn.fromNetwork(net));
    }

    /** Name of W_xh^(l), l counted from 1. */
    public static String wxhName(int l) {
        return "W_xh_" + l;
    }

    /** Name of W_hh^(l). */
    public static String whhName(int l) {
        return "W_hh_" + l;
    }

    /** Name of b_h^(l). */
    public static String bhName(int l) {
        return "b_h_" + l;
    }

    /**
     * One recurrent layer, unrolled over {@code numSteps} steps in {@code sd}: from inputs [T, n, d]
     * (time first, as in d2l) to hidden states [T, n, h], starting from H_0 = 0. The input products
     * X_t W_xh + b_h of all steps are one matrix product; only H_{t-1} W_hh must wait for the step before.
     *
     * @param inputs [T, n, d] with n open
     * @param wxh    d x h
     * @param whh    h x h
     * @param bh     1 x h
     */
    public static SDVariable rnnLayer(SameDiff sd, SDVariable inputs, int numSteps, SDVariable wxh, SDVariable whh,
                                      SDVariable bh) {
        if (numSteps <= 0) {
            throw new IllegalArgumentException("numSteps must be at least 1, got " + numSteps);
        }
        long d = wxh.getShape()[0];
        long h = whh.getShape()[0];
        SDVariable projected = sd.reshape(sd.reshape(inputs, -1, d).mmul(wxh).add(bh), numSteps, -1, h);
        SDVariable[] perStep = sd.unstack(projected, 0, numSteps);
        SDVariable[] states = new SDVariable[numSteps];
        SDVariable previous = null;
        for (int t = 0; t < numSteps; t++) {
            SDVariable preActivation = previous == null ? perStep[t] : perStep[t].add(previous.mmul(whh));
            states[t] = sd.math.tanh(preActivation);
            previous = states[t];
        }
        return numSteps == 1 ? sd.expandDims(states[0], 0) : sd.stack(0, states);
    }

    /** The logits O_t of every step from a zero state, [n, q, T]. */
    public INDArray logits(INDArray features) {
        INDArray x = ModelInput.features(features, inputSize(), dataType);
        return graph((int) x.size(2)).output(Map.of(FEATURES, x), LOGITS).get(LOGITS);
    }

    /** Softmax of {@link #logits}: what DL4J's {@code net.output(x)} returns for the same weights. */
    public INDArray probabilities(INDArray features) {
        return ScratchDeepRnn.softmaxOverVocab(logits(features));
    }

    /** Mean cross-entropy per predicted token of one minibatch, from a zero state. */
    public double meanLoss(DataSet batch) {
        Map<String, INDArray> feed = feed(batch);
        return graph(steps(feed)).output(feed, LOSS).get(LOSS).getDouble(0);
    }

    /** Mean cross-entropy per predicted token over every batch of {@code data}, each from a zero state. */
    public double meanLoss(DataSetIterator data) {
        return Trainer.meanLoss(this, Objects.requireNonNull(data, "data"));
    }

    /** exp of {@link #meanLoss(DataSetIterator)}. */
    public double perplexity(DataSetIterator data) {
        return Math.exp(meanLoss(data));
    }

    /**
     * The gradient of one minibatch's mean cross-entropy per predicted token with respect to every
     * parameter, keyed by {@link #parameterNames()} and shaped like the parameter.
     */
    public Map<String, INDArray> gradients(DataSet batch) {
        Map<String, INDArray> feed = feed(batch);
        Map<String, INDArray> raw = graphs.differentiable(steps(feed)).calculateGradients(feed, names);
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : names) {
            ordered.put(name, raw.get(name));
        }
        return ordered;
    }

    /** The batch's loss summed over its tokens and that sum's gradient, flattened in the order of {@link #parameterNames()}. */
    @Override
    public Batch lossAndGradient(DataSet batch) {
        Map<String, INDArray> feed = feed(batch);
        var both = graphs.differentiable(steps(feed)).calculateGradientsAndOutputs(feed, List.of(LOSS), names);
        INDArray[] grads = new INDArray[names.size()];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = both.getGradients().get(names.get(i));
        }
        long tokens = EpochLoop.tokenCount(batch);  // the graph's loss is the mean per token
        return new Batch(both.getOutputs().get(LOSS).getDouble(0) * tokens, Nd4j.toFlattened('c', grads).muli(tokens));
    }

    @Override
    public void subtractFromParameters(INDArray step) {
        long offset = 0;
        for (String name : names) {
            INDArray p = params.get(name);
            p.subi(step.get(interval(offset, offset + p.length())).reshape('c', p.shape()));
            offset += p.length();
        }
    }

    @Override
    public double lossSum(DataSet batch) {
        return meanLoss(batch) * EpochLoop.tokenCount(batch);
    }

    @Override
    public boolean crossEntropy() {
        return true;
    }

    @Override
    public String gradientPath() {
        return "SameDiff automatic differentiation";
    }

    /** The SameDiff graph for sequences of {@code numSteps} steps (built on first use), e.g. to print its {@code summary()}. */
    public SameDiff graph(int numSteps) {
        return graphs.forward(numSteps);
    }

    private Map<String, INDArray> feed(DataSet batch) {
        return ModelInput.feed(batch, inputSize(), outputSize(), dataType);
    }

    private static int steps(Map<String, INDArray> feed) {
        return (int) feed.get(FEATURES).size(2);
    }

    /** A copy of the current weights as a {@link ScratchDeepRnn}, e.g. to run its traced forward pass. */
    public ScratchDeepRnn toScratch() {
        return new ScratchDeepRnn(layers, whq, bq);
    }

    /** The parameter names in the order of the flattened gradient: per layer W_xh, W_hh, b_h, then W_hq, b_q. */
    public List<String> parameterNames() {
        return names;
    }

    /** The live parameter array of that name (changing it changes the model). */
    public INDArray parameter(String name) {
        INDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("No parameter named " + name + "; the parameters are " + names);
        }
        return p;
    }

    public int numLayers() {
        return layers.size();
    }

    public long inputSize() {
        return layers.get(0).inputSize();
    }

    public long outputSize() {
        return whq.size(1);
    }

    public DataType dataType() {
        return dataType;
    }

    public long numParams() {
        return params.values().stream().mapToLong(INDArray::length).sum();
    }

    @Override
    public String toString() {
        long[] hidden = layers.stream().mapToLong(LayerWeights::hiddenUnits).toArray();
        return "SameDiffDeepRnn{L=" + layers.size() + ", d=" + inputSize() + ", h=" + Arrays.toString(hidden)
                + ", q=" + outputSize() + ", " + dataType + ", params=" + numParams() + "}";
    }
}
