package org.deeprnn.scratch;

import org.deeprnn.train.EpochListener;
import org.deeprnn.train.EpochLoop;
import org.deeprnn.train.GlobalNormClipping;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.scratch.ScratchDeepRnn.LayerWeights;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * The deep RNN of notebook 5, "3. Exercise 1: a two-layer RNN from single layers, trained by SameDiff": one
 * function builds a single recurrent layer, H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), unrolled over
 * T steps as SameDiff ops ({@link #rnnLayer}); the deep model calls it once per layer, feeding the
 * hidden states of layer l to layer l+1, and tops the last layer with O_t = H_t^(L) W_hq + b_q and the
 * mean softmax cross-entropy per predicted token. ND4J's automatic differentiation supplies the
 * gradients, so no backward pass is written by hand; training follows d2l (and the project's
 * {@link Trainer}): SGD on the mean per-token loss after clipping the global gradient norm.
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
public final class SameDiffDeepRnn {
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
        this(xavier(inputSize, hiddenUnits, numLayers, outputSize, seed, dataType));
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
        Objects.requireNonNull(data, "data");
        data.reset();
        double sum = 0;
        long tokens = 0;
        while (data.hasNext()) {
            DataSet batch = data.next();
            long batchTokens = EpochLoop.tokenCount(batch);
            sum += meanLoss(batch) * batchTokens;
            tokens += batchTokens;
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("The iterator produced no minibatch: nothing to measure the loss on");
        }
        return sum / tokens;
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

    /**
     * One SGD step on a minibatch: gradient of the mean loss per token, global-norm clipping to
     * {@code clipTheta} (0 for none), then parameter -= learningRate * gradient; no update when the loss
     * or the norm is NaN or infinite.
     *
     * @return the batch's mean loss per token and the gradient norm before clipping
     */
    public StepResult step(DataSet batch, double learningRate, double clipTheta) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a positive finite number, got " + learningRate);
        }
        if (!(clipTheta >= 0) || Double.isInfinite(clipTheta)) {
            throw new IllegalArgumentException("clipTheta must be a positive finite number (0 for no clipping), got " + clipTheta);
        }
        Map<String, INDArray> feed = feed(batch);
        SameDiff sd = graphs.differentiable(steps(feed));
        var both = sd.calculateGradientsAndOutputs(feed, List.of(LOSS), names);
        INDArray[] grads = new INDArray[names.size()];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = both.getGradients().get(names.get(i));
        }
        INDArray flat = Nd4j.toFlattened('c', grads);
        double norm = clipTheta > 0 ? GlobalNormClipping.clip(flat, clipTheta) : flat.norm2Number().doubleValue();
        double loss = both.getOutputs().get(LOSS).getDouble(0);
        if (Double.isFinite(loss) && Double.isFinite(norm)) {
            long offset = 0;
            for (String name : names) {
                INDArray p = params.get(name);
                INDArray g = flat.get(interval(offset, offset + p.length())).reshape('c', p.shape());
                p.subi(g.mul(learningRate));
                offset += p.length();
            }
        }
        return new StepResult(loss, norm);
    }

    /** What {@link #step} returns: the batch's mean loss per token and its gradient norm before clipping. */
    public record StepResult(double meanLoss, double gradientNorm) {
    }

    /**
     * Trains for {@code settings.epochs()} epochs with the settings' SGD and clipping, measuring the
     * validation loss after each epoch when {@code validation} is not null. The results, progress
     * lines and listener calls are those of {@link Trainer#fit}, so charts and tables take either.
     *
     * @throws IllegalArgumentException if {@code train} carries the hidden state across batches
     *                                  (sequential partitioning), which this model does not do
     */
    public TrainingResult fit(DataSetIterator train, DataSetIterator validation, Training settings) {
        Objects.requireNonNull(train, "train iterator");
        Objects.requireNonNull(settings, "settings");
        ModelInput.requireFreshState(train, "training");
        ModelInput.requireFreshState(validation, "validation");
        if (settings.progress() != null) {
            settings.progress().println(describe(settings) + "; hidden state reset for every batch");
        }
        EpochLoop loop = new EpochLoop(settings.epochs(), settings.printEvery(), settings.progress(), settings.listeners());
        return loop.run(new EpochLoop.Model() {
            @Override
            public EpochLoop.Step step(DataSet batch) {
                StepResult r = SameDiffDeepRnn.this.step(batch, settings.learningRate(), settings.clipTheta());
                return new EpochLoop.Step(r.meanLoss() * EpochLoop.tokenCount(batch), r.gradientNorm());
            }

            @Override
            public double meanLoss(DataSetIterator validation) {
                return SameDiffDeepRnn.this.meanLoss(validation);
            }

            @Override
            public boolean crossEntropy() {
                return true;
            }
        }, train, validation);
    }

    /** {@link #fit(DataSetIterator, DataSetIterator, Training)} without validation data. */
    public TrainingResult fit(DataSetIterator train, Training settings) {
        return fit(train, null, settings);
    }

    /** One line saying how {@link #fit} will train, in the style of {@link Trainer#describe}. */
    public String describe(Training settings) {
        String clipping = settings.clipTheta() > 0
                ? String.format(Locale.ROOT, "global L2 norm over all parameters <= %s (d2l)", settings.clipTheta())
                : "none";
        return String.format(Locale.ROOT, "training %d epochs, %,d parameters, SGD lr %s per predicted token (d2l's scale); "
                        + "clipping: %s; gradients: SameDiff automatic differentiation", settings.epochs(), numParams(),
                settings.learningRate(), clipping);
    }

    /**
     * The settings of {@link #fit}, with d2l's defaults as in {@link Trainer.Builder}: clipping to norm 1,
     * progress to standard output, about ten progress lines per run.
     *
     * @param learningRate per predicted token (d2l's scale)
     * @param clipTheta    the largest global gradient norm; 0 for no clipping
     * @param progress     where progress lines go; null for silence
     * @param printEvery   print every n epochs; 0 for about ten lines per run
     */
    public record Training(int epochs, double learningRate, double clipTheta, PrintStream progress, int printEvery,
                           List<EpochListener> listeners) {
        public Training {
            if (epochs <= 0) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be a positive finite number, got " + learningRate);
            }
            if (!(clipTheta >= 0) || Double.isInfinite(clipTheta)) {
                throw new IllegalArgumentException("The clipping threshold must be a positive finite number (0 for none), got "
                        + clipTheta);
            }
            if (printEvery < 0) {
                throw new IllegalArgumentException("printEvery must be 0 (automatic) or positive, got " + printEvery);
            }
            listeners = List.copyOf(listeners);
        }

        /** SGD for {@code epochs} epochs at {@code learningRate} per token, clipping to norm 1, progress to standard output. */
        public static Training sgd(int epochs, double learningRate) {
            return new Training(epochs, learningRate, 1.0, System.out, 0, List.of());
        }

        public Training clipGlobalNorm(double theta) {
            if (!(theta > 0)) {
                throw new IllegalArgumentException("The clipping threshold must be a positive finite number, got " + theta
                        + "; use noClipping() to switch clipping off");
            }
            return new Training(epochs, learningRate, theta, progress, printEvery, listeners);
        }

        public Training noClipping() {
            return new Training(epochs, learningRate, 0, progress, printEvery, listeners);
        }

        public Training progress(PrintStream out) {
            return new Training(epochs, learningRate, clipTheta, out, printEvery, listeners);
        }

        public Training printEvery(int n) {
            return new Training(epochs, learningRate, clipTheta, progress, n, listeners);
        }

        public Training listener(EpochListener listener) {
            List<EpochListener> more = new ArrayList<>(listeners);
            more.add(Objects.requireNonNull(listener, "listener"));
            return new Training(epochs, learningRate, clipTheta, progress, printEvery, more);
        }
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

    private static ScratchDeepRnn xavier(int inputSize, int hiddenUnits, int numLayers, int outputSize, long seed,
                                         DataType dataType) {
        requirePositive("inputSize", inputSize);
        requirePositive("hiddenUnits", hiddenUnits);
        requirePositive("numLayers", numLayers);
        requirePositive("outputSize", outputSize);
        if (dataType == null || !dataType.isFPType()) {
            throw new IllegalArgumentException("The model computes in a floating-point type, got " + dataType);
        }
        Random rng = new Random(seed);
        List<LayerWeights> weights = new ArrayList<>();
        for (int l = 1; l <= numLayers; l++) {
            int in = l == 1 ? inputSize : hiddenUnits;
            weights.add(new LayerWeights(gaussian(rng, in, hiddenUnits, dataType),
                    gaussian(rng, hiddenUnits, hiddenUnits, dataType), Nd4j.zeros(dataType, 1, hiddenUnits)));
        }
        return new ScratchDeepRnn(weights, gaussian(rng, hiddenUnits, outputSize, dataType), Nd4j.zeros(dataType, 1, outputSize));
    }

    private static INDArray gaussian(Random rng, int fanIn, int fanOut, DataType type) {
        double sigma = Math.sqrt(2.0 / (fanIn + fanOut));
        double[] values = new double[fanIn * fanOut];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian() * sigma;
        }
        return Nd4j.create(values, new long[]{fanIn, fanOut}, DataType.DOUBLE).castTo(type);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
