package org.deeprnn.scratch;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The deep RNN of notebook 2, "A deep RNN from scratch", written with plain ND4J matrix
 * products instead of DL4J layers: for every step t and layer l,
 * H_t^(l) = tanh(H_t^(l-1) W_xh^(l) + H_{t-1}^(l) W_hh^(l) + b_h^(l)), then O_t = H_t^(L) W_hq + b_q.
 * Loaded with the weights of a DL4J {@code SimpleRnn} stack, it reproduces that network's output,
 * which shows that the DL4J model computes exactly these equations.
 *
 * <p>Inputs use DL4J's recurrent layout [n, d, T]; logits come back as [n, q, T]. The forward pass
 * is the inference pass (no dropout). Instances are not meant to be shared between threads.
 */
public final class ScratchDeepRnn {

    /**
     * The parameters of recurrent layer l: W_xh^(l) (inputs x h), W_hh^(l) (h x h) and b_h^(l) (1 x h).
     * The arrays are the model's own: changing them changes the model.
     */
    public record LayerWeights(INDArray wxh, INDArray whh, INDArray bh) {
        public LayerWeights {
            Objects.requireNonNull(wxh, "wxh");
            Objects.requireNonNull(whh, "whh");
            Objects.requireNonNull(bh, "bh");
        }

        public long inputSize() {
            return wxh.size(0);
        }

        public long hiddenUnits() {
            return whh.size(0);
        }
    }

    /**
     * What a forward pass returns: the logits O_t of every step as [n, q, T], and for every layer
     * l = 1..L (list index l - 1) its hidden state after the last step, H_T^(l), as [n, h].
     */
    public record Output(INDArray logits, List<INDArray> finalStates) {
    }

    /** Standard deviation of the random weights, as in d2l's scratch RNN. */
    public static final double INIT_SIGMA = 0.01;

    private final List<LayerWeights> layers;
    private final INDArray whq;
    private final INDArray bq;
    private final DataType dataType;

    /**
     * A randomly initialised model: every weight drawn from N(0, {@value #INIT_SIGMA}^2), every bias
     * zero, as d2l's from-scratch code does. The same seed gives the same weights.
     */
    public ScratchDeepRnn(int inputSize, int hiddenUnits, int numLayers, int outputSize, long seed, DataType dataType) {
        this(GaussianWeights.draw(inputSize, hiddenUnits, numLayers, outputSize, seed, dataType, (in, out) -> INIT_SIGMA));
    }

    private ScratchDeepRnn(ScratchDeepRnn drawn) {
        this(drawn.layers, drawn.whq, drawn.bq);
    }

    /**
     * A model with the given weights, which are copied. Biases may be vectors [h] or rows [1, h].
     * All arrays must share one floating-point data type and fit together: W_xh^(1) is d x h_1,
     * W_xh^(l) is h_{l-1} x h_l, W_hh^(l) is h_l x h_l, W_hq is h_L x q.
     */
    public ScratchDeepRnn(List<LayerWeights> layerWeights, INDArray whq, INDArray bq) {
        Objects.requireNonNull(layerWeights, "layerWeights");
        Objects.requireNonNull(whq, "whq");
        Objects.requireNonNull(bq, "bq");
        if (layerWeights.isEmpty()) {
            throw new IllegalArgumentException("A deep RNN needs at least one recurrent layer, got an empty list of layer weights");
        }
        DataType type = whq.dataType();
        requireFloating(type);
        List<LayerWeights> copied = new ArrayList<>();
        long below = -1;
        for (int l = 1; l <= layerWeights.size(); l++) {
            LayerWeights w = layerWeights.get(l - 1);
            String name = "layer " + l;
            requireMatrix(w.wxh(), "W_xh^(" + l + ")");
            requireMatrix(w.whh(), "W_hh^(" + l + ")");
            long h = w.wxh().size(1);
            if (below > 0 && w.wxh().size(0) != below) {
                throw new IllegalArgumentException("W_xh^(" + l + ") must be [" + below + ", " + h + "] to take the "
                        + below + " hidden units of layer " + (l - 1) + ", got " + shape(w.wxh()));
            }
            requireShape(w.whh(), "W_hh^(" + l + ")", h, h);
            INDArray b = asRow(w.bh(), "b_h^(" + l + ")", h);
            requireType(type, name, w.wxh(), w.whh(), b);
            copied.add(new LayerWeights(w.wxh().dup('c'), w.whh().dup('c'), b.dup('c')));
            below = h;
        }
        requireMatrix(whq, "W_hq");
        if (whq.size(0) != below) {
            throw new IllegalArgumentException("W_hq must be [" + below + ", q] to read the " + below
                    + " hidden units of the top layer, got " + shape(whq));
        }
        INDArray bRow = asRow(bq, "b_q", whq.size(1));
        requireType(type, "the output layer", whq, bRow);
        this.layers = Collections.unmodifiableList(copied);
        this.whq = whq.dup('c');
        this.bq = bRow.dup('c');
        this.dataType = type;
    }

    /**
     * Copies the weights of an initialised DL4J network made of {@code SimpleRnn} layers with tanh
     * and no layer normalisation, topped by a softmax {@code RnnOutputLayer}: the network
     * {@link org.deeprnn.model.DeepRnnBuilder} builds with {@link org.deeprnn.model.CellType#SIMPLE_RNN}.
     * DL4J stores W_xh^(l) under "W", W_hh^(l) under "RW", b_h^(l) under "b", and W_hq, b_q under "W", "b"
     * of the output layer.
     *
     * @throws IllegalArgumentException if the network has another structure
     */
    public static ScratchDeepRnn fromNetwork(MultiLayerNetwork net) {
        Objects.requireNonNull(net, "net");
        Layer[] netLayers = net.getLayers();
        if (netLayers == null || net.params() == null) {
            throw new IllegalArgumentException("The network has no parameters yet: call net.init() before copying its weights");
        }
        int n = netLayers.length;
        if (n < 2) {
            throw new IllegalArgumentException("Expected at least one SimpleRnn layer followed by an RnnOutputLayer, got "
                    + n + " layer(s): " + describe(net));
        }
        List<LayerWeights> weights = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(i).getLayer();
            if (!(conf instanceof SimpleRnn rnn)) {
                throw new IllegalArgumentException("Layer " + i + " is a " + conf.getClass().getSimpleName()
                        + ", but the scratch model only mirrors SimpleRnn layers (build with CellType.SIMPLE_RNN): "
                        + describe(net));
            }
            if (!(rnn.getActivationFn() instanceof ActivationTanH)) {
                throw new IllegalArgumentException("Layer " + i + " uses activation " + rnn.getActivationFn()
                        + ", but the scratch model computes tanh");
            }
            if (rnn.hasLayerNorm()) {
                throw new IllegalArgumentException("Layer " + i + " uses layer normalisation, which the scratch model does not compute");
            }
            weights.add(new LayerWeights(
                    netLayers[i].getParam(SimpleRnnParamInitializer.WEIGHT_KEY),
                    netLayers[i].getParam(SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY),
                    netLayers[i].getParam(SimpleRnnParamInitializer.BIAS_KEY)));
        }
        org.deeplearning4j.nn.conf.layers.Layer top = net.getLayerWiseConfigurations().getConf(n - 1).getLayer();
        if (!(top instanceof RnnOutputLayer out)) {
            throw new IllegalArgumentException("The last layer is a " + top.getClass().getSimpleName()
                    + ", expected an RnnOutputLayer: " + describe(net));
        }
        if (!(out.getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("The output layer uses activation " + out.getActivationFn()
                    + ", expected softmax");
        }
        Layer outLayer = netLayers[n - 1];
        return new ScratchDeepRnn(weights,
                outLayer.getParam(DefaultParamInitializer.WEIGHT_KEY),
                outLayer.getParam(DefaultParamInitializer.BIAS_KEY));
    }

    /** The forward pass from zero initial states. */
    public Output forward(INDArray x) {
        return forward(x, null, null);
    }

    /**
     * The forward pass from zero initial states that also writes, for every step and layer, the
     * shapes entering each product to {@code trace} (one line per call), for stepping through a
     * minibatch in the notebook.
     */
    public Output forward(INDArray x, Consumer<String> trace) {
        return forward(x, null, Objects.requireNonNull(trace, "trace"));
    }

    /**
     * The forward pass.
     *
     * @param x             input [n, d, T]; cast to the model's data type if needed
     * @param initialStates H_0^(l) for l = 1..L, each [n, h_l]; {@code null} for zeros
     * @param trace         receives one line per computed quantity with its shapes; {@code null} for none
     */
    public Output forward(INDArray x, List<INDArray> initialStates, Consumer<String> trace) {
        long[] s = checkInput(x);
        long n = s[0];
        long steps = s[2];
        INDArray input = x.dataType() == dataType ? x : x.castTo(dataType);
        INDArray[] state = startStates(n, initialStates);
        INDArray logits = Nd4j.create(dataType, n, outputSize(), steps);
        if (trace != null) {
            trace.accept("X: " + shape(input) + " = [n, d, T], DL4J's recurrent layout; " + layers.size()
                    + " layer(s), hidden units " + Arrays.toString(hiddenSizes()) + ", q = " + outputSize());
        }
        for (int t = 0; t < steps; t++) {
            INDArray below = input.get(all(), all(), point(t));
            if (trace != null) {
                trace.accept("t=" + t + "  H_t^(0) = X_t: " + shape(below));
            }
            for (int l = 1; l <= layers.size(); l++) {
                LayerWeights w = layers.get(l - 1);
                INDArray previous = state[l - 1];
                INDArray h = Transforms.tanh(below.mmul(w.wxh()).addi(previous.mmul(w.whh())).addiRowVector(w.bh()), false);
                if (trace != null) {
                    trace.accept("t=" + t + "  H_t^(" + l + ") = tanh(H_t^(" + (l - 1) + ") " + shape(below)
                            + " x W_xh^(" + l + ") " + shape(w.wxh())
                            + " + H_{t-1}^(" + l + ") " + shape(previous) + " x W_hh^(" + l + ") " + shape(w.whh())
                            + " + b_h^(" + l + ") " + shape(w.bh()) + ") -> " + shape(h));
                }
                state[l - 1] = h;
                below = h;
            }
            INDArray o = below.mmul(whq).addiRowVector(bq);
            if (trace != null) {
                trace.accept("t=" + t + "  O_t = H_t^(" + layers.size() + ") " + shape(below) + " x W_hq " + shape(whq)
                        + " + b_q " + shape(bq) + " -> " + shape(o));
            }
            logits.get(all(), all(), point(t)).assign(o);
        }
        if (trace != null) {
            trace.accept("O: " + shape(logits) + " = [n, q, T], the logits of every step");
        }
        return new Output(logits, List.of(state));
    }

    /** Softmax over the vocabulary axis of the logits: what DL4J's {@code net.output(x)} returns. */
    public INDArray probabilities(INDArray x) {
        return softmaxOverVocab(forward(x).logits());
    }

    /** Softmax of [n, q, T] logits along axis 1, computed stably. */
    public static INDArray softmaxOverVocab(INDArray logits) {
        if (logits.rank() != 3) {
            throw new IllegalArgumentException("Expected logits [n, q, T], got shape " + shape(logits));
        }
        INDArray shifted = logits.sub(logits.max(true, 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.divi(e.sum(true, 1));
    }

    /** The parameters of recurrent layer {@code l}, counted from 1 as in the equations. */
    public LayerWeights layer(int l) {
        if (l < 1 || l > layers.size()) {
            throw new IllegalArgumentException("Layer " + l + " does not exist: layers are numbered 1.." + layers.size());
        }
        return layers.get(l - 1);
    }

    /** W_hq, h_L x q. */
    public INDArray whq() {
        return whq;
    }

    /** b_q, 1 x q. */
    public INDArray bq() {
        return bq;
    }

    public int numLayers() {
        return layers.size();
    }

    /** d, the width of the input. */
    public long inputSize() {
        return layers.get(0).inputSize();
    }

    /** h_l of every layer l = 1..L. */
    public long[] hiddenSizes() {
        return layers.stream().mapToLong(LayerWeights::hiddenUnits).toArray();
    }

    /** q, the width of the output. */
    public long outputSize() {
        return whq.size(1);
    }

    public DataType dataType() {
        return dataType;
    }

    /** Number of scalar parameters, to set beside {@code ParameterCount.total()}. */
    public long numParams() {
        long sum = whq.length() + bq.length();
        for (LayerWeights w : layers) {
            sum += w.wxh().length() + w.whh().length() + w.bh().length();
        }
        return sum;
    }

    @Override
    public String toString() {
        return "ScratchDeepRnn{L=" + layers.size() + ", d=" + inputSize() + ", h=" + Arrays.toString(hiddenSizes())
                + ", q=" + outputSize() + ", " + dataType + ", params=" + numParams() + "}";
    }

    private long[] checkInput(INDArray x) {
        Objects.requireNonNull(x, "x");
        if (x.rank() != 3) {
            throw new IllegalArgumentException("Expected input of rank 3, [n, d=" + inputSize() + ", T], got rank "
                    + x.rank() + " with shape " + shape(x));
        }
        long[] s = x.shape();
        if (s[1] != inputSize()) {
            throw new IllegalArgumentException("Expected input [n, " + inputSize() + ", T] (d = " + inputSize()
                    + " features per step), got " + shape(x));
        }
        if (s[0] == 0 || s[2] == 0) {
            throw new IllegalArgumentException("Expected at least one example and one step, got input " + shape(x));
        }
        if (!x.dataType().isNumerical()) {
            throw new IllegalArgumentException("Expected a numeric input, got data type " + x.dataType());
        }
        return s;
    }

    private INDArray[] startStates(long n, List<INDArray> initialStates) {
        INDArray[] state = new INDArray[layers.size()];
        if (initialStates != null && initialStates.size() != layers.size()) {
            throw new IllegalArgumentException("Expected one initial state per layer (" + layers.size() + "), got "
                    + initialStates.size());
        }
        for (int l = 1; l <= layers.size(); l++) {
            long h = layers.get(l - 1).hiddenUnits();
            if (initialStates == null) {
                state[l - 1] = Nd4j.zeros(dataType, n, h);
            } else {
                INDArray given = Objects.requireNonNull(initialStates.get(l - 1), "initial state of layer " + l);
                requireShape(given, "H_0^(" + l + ")", n, h);
                state[l - 1] = given.castTo(dataType);
            }
        }
        return state;
    }

    private static INDArray asRow(INDArray b, String name, long width) {
        if (b.rank() == 1 && b.length() == width) {
            return b.reshape(1, width);
        }
        if (b.rank() == 2 && b.size(0) == 1 && b.size(1) == width) {
            return b;
        }
        throw new IllegalArgumentException(name + " must be [" + width + "] or [1, " + width + "], got " + shape(b));
    }

    private static void requireMatrix(INDArray a, String name) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a matrix, got shape " + shape(a));
        }
    }

    private static void requireShape(INDArray a, String name, long rows, long cols) {
        if (a.rank() != 2 || a.size(0) != rows || a.size(1) != cols) {
            throw new IllegalArgumentException(name + " must be [" + rows + ", " + cols + "], got " + shape(a));
        }
    }

    private static void requireType(DataType expected, String where, INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != expected) {
                throw new IllegalArgumentException("All weights must share one data type: W_hq is " + expected
                        + " but an array of " + where + " is " + a.dataType());
            }
        }
    }

    private static void requireFloating(DataType type) {
        if (type == null || !type.isFPType()) {
            throw new IllegalArgumentException("The model computes in a floating-point type, got " + type);
        }
    }

    private static String describe(MultiLayerNetwork net) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            names.add(net.getLayerWiseConfigurations().getConf(i).getLayer().getClass().getSimpleName());
        }
        return String.join(" -> ", names);
    }

    static String shape(INDArray a) {
        return Arrays.toString(a.shape());
    }
}
