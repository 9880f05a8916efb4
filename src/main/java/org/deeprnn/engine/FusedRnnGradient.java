package org.deeprnn.engine;

import org.deeprnn.layer.GRU;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A faster {@link BatchGradient} for the chapter's models: stacked DL4J {@code LSTM} and
 * {@code SimpleRnn} layers and the project's {@link GRU} layers, in any mix, under an
 * {@code RnnOutputLayer} (softmax with cross-entropy, or identity with mean squared error for the
 * time-series regression of notebook 4), trained from the
 * same {@code MultiLayerConfiguration} and the same parameters. It computes what DL4J's backprop
 * computes, reorganised for the CPU (section "Training speed"):
 * <ul>
 *   <li>time-major storage: step t of the batch is one contiguous block of rows, so every per-step
 *   operand is a plain matrix and nothing is copied inside the step loops;</li>
 *   <li>the input projections X W + b of all steps, the output layer, and the weight gradients
 *   X^T dZ, H^T dZ of all steps are single large matrix products; only the recurrent product
 *   H_{t-1} RW (for the GRU two of them, the gates' and then the candidate's from the reset state),
 *   the gate arithmetic and its backward counterpart stay inside the step loops;</li>
 *   <li>the derivative factors of the gates are computed for all steps at once before the backward loop;</li>
 *   <li>matrix products go straight to OpenBLAS ({@link NativeGemm}); buffers are allocated once
 *   per batch shape and reused.</li>
 * </ul>
 * Weights are read from the network's parameter views and the raw gradient (summed over all tokens)
 * is written into the network's flattened gradient view, exactly where DL4J's backprop writes it, so
 * the trainer, the updater and DL4J's own inference see one set of parameters.
 * <p>
 * Networks it cannot reproduce exactly (other layer types, activations other than tanh/sigmoid,
 * dropout, weight noise, regularisation, masks, layer norm, a non-CPU backend, ...) are rejected by
 * {@link #prepare} with the reason; {@link #unsupportedReason} lets callers fall back to
 * {@link Dl4jBatchGradient} beforehand.
 * <p>
 * One difference is deliberate. With the state carried across batches, DL4J's gradient (truncated
 * BPTT with the stored state, as {@link Dl4jBatchGradient} drives it) is not the gradient of the loss
 * DL4J itself reports: for the LSTM the test {@code dl4jCarriedStateLstmGradientIsNotTheGradientOfItsLoss}
 * shows it, and DL4J's {@code SimpleRnn} re-runs its forward pass for backprop without the stored
 * state. This class computes the gradient of the batch's loss with the incoming state held fixed
 * (detached), checked against finite differences; without carried state, and on the first batch of
 * a carried sequence, it equals DL4J's. The GRU layer's own backprop also differentiates from the
 * carried state, so for stacks of GRUs alone the two paths agree on every batch.
 * <p>
 * Threads: by default everything runs on the calling thread. {@link #FusedRnnGradient(int, int)} can
 * split the batch rows of the step loops across threads and give the whole-sequence products more
 * OpenBLAS threads; both were slower on the 2-core machine (see the benchmark's trainer-fused-Nt and
 * -Nb paths), where the per-step operations are dominated by fixed per-call costs.
 */
public final class FusedRnnGradient implements BatchGradient {
    /** Where the time of {@link #compute} goes, for {@link #profileMillis()}. */
    public enum Phase {
        INPUT("copy batch to time-major"),
        FORWARD_SEQUENCE_GEMM("forward X W + b, all steps"),
        FORWARD_STEP_GEMM("forward H_t-1 RW, per step"),
        FORWARD_STEP_ELEMENTWISE("forward gates and cell, per step"),
        OUTPUT_LAYER("output layer, softmax or identity, loss and its gradients"),
        BACKWARD_FACTORS("gate derivative factors, all steps"),
        BACKWARD_STEP_ELEMENTWISE("backward gates and cell, per step"),
        BACKWARD_STEP_GEMM("backward dZ_t RW^T, per step"),
        WEIGHT_GRADIENT_GEMM("weight gradients and dX, all steps"),
        LANE_WAIT("waiting for the other lanes of the step loops"),
        STATE("carry the state");

        private final String description;

        Phase(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final long[] phaseNanos = new long[Phase.values().length];
    /** Fewer batch rows per lane than this and the per-op overhead outweighs the parallelism. */
    static final int MIN_LANE_ROWS = 2;
    private final int threads;
    private final int sequenceThreads;
    private final MatrixProducts products;
    /** Whether the products run on OpenBLAS, whose thread count this engine then sets per phase. */
    private final boolean openBlas;
    private ExecutorService pool;
    private int blasThreads = -1;
    /** When lane 0 (the calling thread) finished its part of the last step loop. */
    private long lastLaneEnd;
    private long profiledBatches;
    private MultiLayerNetwork net;
    private INDArray boundFlatGradient;
    private Recurrent[] layers;
    private Output output;
    private DataType type;
    private boolean carry;
    private boolean hasState;
    private int batch = -1;
    private int steps = -1;
    private INDArray inputBuffer;
    private INDArray labelBuffer;
    private INDArray ones;

    /**
     * Everything on the calling thread with single-threaded products: measured fastest on the 2-core
     * machine (the per-step operations are too small to gain from more threads, and waking OpenBLAS's
     * threads for the whole-sequence products between single-threaded phases cost more than it saved).
     */
    public FusedRnnGradient() {
        this(1, 1);
    }

    /**
     * The same engine with every matrix product through ND4J's own {@code mmul} instead of OpenBLAS:
     * slower, but it runs on any ND4J backend. The Trainer picks it where OpenBLAS is not available
     * (the CUDA backend); tests use it on the CPU to check it against the OpenBLAS engine.
     */
    public static FusedRnnGradient portable() {
        return new FusedRnnGradient(1, 1, MatrixProducts.nd4j());
    }

    /** All work on {@code threads} threads: {@code FusedRnnGradient(threads, threads)}. */
    public FusedRnnGradient(int threads) {
        this(threads, threads);
    }

    /**
     * @param laneThreads     how many threads run the step loops side by side, each on its share of the
     *                        batch rows with single-threaded per-step products (1: the calling thread only)
     * @param sequenceThreads OpenBLAS threads for the whole-sequence products (input projections,
     *                        weight gradients, output layer)
     */
    public FusedRnnGradient(int laneThreads, int sequenceThreads) {
        this(laneThreads, sequenceThreads, MatrixProducts.best());
    }

    private FusedRnnGradient(int laneThreads, int sequenceThreads, MatrixProducts products) {
        if (laneThreads < 1 || sequenceThreads < 1) {
            throw new IllegalArgumentException("thread counts must be at least 1, got " + laneThreads + " and " + sequenceThreads);
        }
        this.threads = laneThreads;
        this.sequenceThreads = sequenceThreads;
        this.products = products;
        this.openBlas = products == NativeGemm.INSTANCE;
    }

    /** Which matrix products the default engine uses on this backend: OpenBLAS's, or ND4J's off the CPU. */
    public static String defaultProducts() {
        return MatrixProducts.best().describe();
    }

    /** Null when this class can train {@code net}; otherwise the reason it cannot (for a fallback decision). */
    public static String unsupportedReason(MultiLayerNetwork net) {
        if (net == null) {
            return "no network";
        }
        if (net.getLayers() == null) {
            return "the network is not initialised: call net.init() first";
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (conf.getBackpropType() == BackpropType.TruncatedBPTT) {
            return "the configuration asks for truncated BPTT; the trainer carries state itself, so build it with standard backprop";
        }
        if (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty()) {
            return "the configuration has input preprocessors " + conf.getInputPreProcessors().keySet();
        }
        DataType dt = net.params().dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            return "the network's data type is " + dt + "; FLOAT and DOUBLE are supported";
        }
        int n = net.getnLayers();
        if (n < 2) {
            return "the network needs at least one recurrent layer and an output layer";
        }
        long expectedIn = -1;
        for (int i = 0; i < n - 1; i++) {
            org.deeplearning4j.nn.conf.layers.Layer c = conf.getConf(i).getLayer();
            String where = "layer " + i + " (" + c.getClass().getSimpleName() + ")";
            if (c.getClass() != LSTM.class && c.getClass() != SimpleRnn.class && c.getClass() != GRU.class) {
                return where + ": only LSTM, SimpleRnn and GRU layers below the output layer are supported";
            }
            String common = commonLayerIssue((BaseLayer) c);
            if (common != null) {
                return where + ": " + common;
            }
            if (c instanceof LSTM lstm) {
                if (!(lstm.getActivationFn() instanceof ActivationTanH)) {
                    return where + ": activation " + lstm.getActivationFn() + "; only tanh is supported";
                }
                if (!(lstm.getGateActivationFn() instanceof ActivationSigmoid)) {
                    return where + ": gate activation " + lstm.getGateActivationFn() + "; only sigmoid is supported";
                }
                if (lstm.getRnnDataFormat() != RNNFormat.NCW) {
                    return where + ": data format " + lstm.getRnnDataFormat() + "; only NCW is supported";
                }
            } else if (c instanceof GRU gru) {
                if (!(gru.getActivationFn() instanceof ActivationTanH)) {
                    return where + ": activation " + gru.getActivationFn() + "; only tanh is supported";
                }
                if (gru.getRnnDataFormat() != RNNFormat.NCW) {
                    return where + ": data format " + gru.getRnnDataFormat() + "; only NCW is supported";
                }
            } else {
                SimpleRnn rnn = (SimpleRnn) c;
                if (!(rnn.getActivationFn() instanceof ActivationTanH)) {
                    return where + ": activation " + rnn.getActivationFn() + "; only tanh is supported";
                }
                if (rnn.hasLayerNorm()) {
                    return where + ": layer normalisation is not supported";
                }
                if (rnn.getRnnDataFormat() != RNNFormat.NCW) {
                    return where + ": data format " + rnn.getRnnDataFormat() + "; only NCW is supported";
                }
            }
            long nIn = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) c).getNIn();
            if (expectedIn >= 0 && nIn != expectedIn) {
                return where + ": nIn " + nIn + " does not match the " + expectedIn + " units of the layer below";
            }
            expectedIn = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) c).getNOut();
        }
        org.deeplearning4j.nn.conf.layers.Layer last = conf.getConf(n - 1).getLayer();
        if (last.getClass() != RnnOutputLayer.class) {
            return "the last layer is " + last.getClass().getSimpleName() + "; an RnnOutputLayer is required";
        }
        RnnOutputLayer o = (RnnOutputLayer) last;
        String common = commonLayerIssue(o);
        if (common != null) {
            return "output layer: " + common;
        }
        ILossFunction loss = o.getLossFn();
        if (loss != null && loss.getClass() == LossMSE.class) {
            if (((LossMSE) loss).getWeights() != null) {
                return "output layer: weighted MSE is not supported";
            }
            if (!(o.getActivationFn() instanceof ActivationIdentity)) {
                return "output layer: activation " + o.getActivationFn() + " with MSE; only identity is supported";
            }
        } else {
            if (!(loss instanceof LossMCXENT mcxent) || loss.getClass() != LossMCXENT.class) {
                return "output layer: loss " + loss + "; only MCXENT (cross-entropy) and MSE are supported";
            }
            if (mcxent.getWeights() != null) {
                return "output layer: weighted cross-entropy is not supported";
            }
            if (!(o.getActivationFn() instanceof ActivationSoftmax)) {
                return "output layer: activation " + o.getActivationFn() + " with cross-entropy; only softmax is supported";
            }
        }
        if (!o.hasBias()) {
            return "output layer: no bias; only the default (with bias) is supported";
        }
        if (o.getRnnDataFormat() != null && o.getRnnDataFormat() != RNNFormat.NCW) {
            return "output layer: data format " + o.getRnnDataFormat() + "; only NCW is supported";
        }
        if (o.getNIn() != expectedIn) {
            return "output layer: nIn " + o.getNIn() + " does not match the " + expectedIn + " units below";
        }
        return null;
    }

    private static String commonLayerIssue(BaseLayer c) {
        if (c.getIDropout() != null) {
            return "dropout (" + c.getIDropout() + ") is not supported";
        }
        if (c.getWeightNoise() != null) {
            return "weight noise is not supported";
        }
        if ((c.getRegularization() != null && !c.getRegularization().isEmpty())
                || (c.getRegularizationBias() != null && !c.getRegularizationBias().isEmpty())) {
            return "L1/L2/weight-decay regularisation is not supported (the returned loss would lack its term)";
        }
        return null;
    }

    /** True when {@link #unsupportedReason} finds nothing to object to. */
    public static boolean supports(MultiLayerNetwork net) {
        return unsupportedReason(net) == null;
    }

    @Override
    public void prepare(MultiLayerNetwork net, boolean carryState, int numSteps) {
        String reason = unsupportedReason(net);
        if (reason != null) {
            throw new IllegalArgumentException("FusedRnnGradient cannot train this network: " + reason
                    + ". Use Dl4jBatchGradient (the Trainer's default) instead.");
        }
        this.net = net;
        this.carry = carryState;
        this.hasState = false;
        this.type = net.params().dataType();
        bind();
        if (threads > 1 && pool == null) {
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread th = new Thread(r, "fused-rnn-lane");
                th.setDaemon(true);
                return th;
            });
        }
    }

    /** Runs {@code work} on every lane: lane 0 on the calling thread, the others on the pool; rethrows their failures. */
    private void runLanes(Lane[] lanes, java.util.function.Consumer<Lane> work) {
        useBlasThreads(1);
        if (lanes.length == 1) {
            work.accept(lanes[0]);
            lastLaneEnd = System.nanoTime();
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < lanes.length; i++) {
            Lane lane = lanes[i];
            others.add(pool.submit(() -> work.accept(lane)));
        }
        try {
            work.accept(lanes[0]);
        } finally {
            lastLaneEnd = System.nanoTime();
            for (Future<?> f : others) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for a lane of the step loop", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("A lane of the step loop failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    private void useBlasThreads(int n) {
        if (openBlas && n != blasThreads) {
            NativeGemm.setThreads(n);
            blasThreads = n;
        }
    }

    /** Finds the parameter and gradient views of every layer, making DL4J create its gradient view if needed. */
    private void bind() {
        INDArray flat = ensureGradientView(net);
        Map<String, INDArray> grads = net.gradient().gradientForVariable();
        int n = net.getnLayers();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        layers = new Recurrent[n - 1];
        for (int i = 0; i < n - 1; i++) {
            org.deeplearning4j.nn.conf.layers.FeedForwardLayer c =
                    (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf.getConf(i).getLayer();
            Recurrent r = c instanceof LSTM ? new LstmLayer() : c instanceof GRU ? new GruLayer() : new RnnLayer();
            r.index = i;
            r.nIn = (int) c.getNIn();
            r.h = (int) c.getNOut();
            r.gW = gradientView(grads, flat, i + "_W");
            r.gRW = gradientView(grads, flat, i + "_RW");
            r.gb = gradientView(grads, flat, i + "_b");
            layers[i] = r;
        }
        RnnOutputLayer oc = (RnnOutputLayer) conf.getConf(n - 1).getLayer();
        output = new Output();
        output.index = n - 1;
        output.nIn = (int) oc.getNIn();
        output.nOut = (int) oc.getNOut();
        output.mse = oc.getLossFn() instanceof LossMSE;
        output.clipEps = output.mse ? 0 : ((LossMCXENT) oc.getLossFn()).getSoftmaxClipEps();
        output.gW = gradientView(grads, flat, (n - 1) + "_W");
        output.gb = gradientView(grads, flat, (n - 1) + "_b");
        boundFlatGradient = flat;
        batch = -1;
        steps = -1;
    }

    /**
     * Makes sure {@code net.gradient()} is DL4J's own gradient object over the flattened gradient view
     * (the one the trainer hands to the updater), and returns that view. A network that never ran
     * DL4J's backprop has neither; one backprop on a single one-step example creates both, with
     * DL4J's per-parameter views and keys ("0_W", "0_RW", "0_b", ...).
     */
    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    static INDArray ensureGradientView(MultiLayerNetwork net) {
        Gradient g = net.gradient();
        INDArray flat = net.getFlattenedGradients();
        if (g != null && flat != null && sameMemory(g.gradient(), flat)) {
            return flat;
        }
        long nIn = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).getNIn();
        long nOut = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer)
                net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer()).getNOut();
        DataType dt = net.params().dataType();
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray x = Nd4j.zeros(dt, 1, nIn, 1);
            INDArray y = Nd4j.zeros(dt, 1, nOut, 1);
            y.putScalar(0, 1.0);
            net.rnnClearPreviousState();
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            net.clear();
            net.rnnClearPreviousState();
        }
        g = net.gradient();
        flat = net.getFlattenedGradients();
        if (g == null || flat == null || !sameMemory(g.gradient(), flat)) {
            throw new IllegalStateException("DL4J did not create its flattened gradient view; cannot write gradients");
        }
        return flat;
    }

    /** Whether two arrays cover the same memory (DL4J hands out a fresh reshaped view of its gradient on every call). */
    static boolean sameMemory(INDArray a, INDArray b) {
        return a.length() == b.length() && a.data().addressPointer().address() == b.data().addressPointer().address();
    }

    private static INDArray gradientView(Map<String, INDArray> grads, INDArray flat, String key) {
        INDArray v = grads.get(key);
        if (v == null) {
            throw new IllegalStateException("DL4J's gradient has no entry " + key + " (keys: " + grads.keySet() + ")");
        }
        long base = flat.data().addressPointer().address();
        long end = base + flat.length() * flat.data().getElementSize();
        long at = v.data().addressPointer().address();
        if (at < base || at >= end) {
            throw new IllegalStateException("DL4J's gradient " + key + " is not a view of the flattened gradient");
        }
        if (v.rank() == 1) {
            INDArray row = v.reshape('c', 1, v.length()); // biases may come as vectors; products need [1, n]
            if (!sameMemory(row, v)) {
                throw new IllegalStateException("Could not view DL4J's gradient " + key + " as a row without copying");
            }
            return row;
        }
        return v;
    }

    @Override
    public double compute(MultiLayerNetwork net, DataSet data) {
        if (net != this.net) {
            throw new IllegalStateException("compute() got a different network than prepare(): call prepare(net, ...) first");
        }
        if (net.getFlattenedGradients() != boundFlatGradient || net.gradient() == null
                || !sameMemory(net.gradient().gradient(), boundFlatGradient)) {
            bind(); // DL4J replaced its gradient view (e.g. after init()): attach to the new one
            hasState = false;
        }
        INDArray features = data.getFeatures();
        INDArray labels = data.getLabels();
        if (data.getFeaturesMaskArray() != null || data.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("FusedRnnGradient does not support masks; use Dl4jBatchGradient for masked data");
        }
        if (features == null || labels == null || features.rank() != 3 || labels.rank() != 3) {
            throw new IllegalArgumentException("Expected 3-D features [batch, nIn, steps] and labels [batch, nOut, steps], got "
                    + (features == null ? "null" : Arrays.toString(features.shape())) + " and "
                    + (labels == null ? "null" : Arrays.toString(labels.shape())));
        }
        int b = (int) features.size(0), t = (int) features.size(2);
        if (features.size(1) != layers[0].nIn || labels.size(0) != b || labels.size(1) != output.nOut || labels.size(2) != t) {
            throw new IllegalArgumentException("Batch shapes " + Arrays.toString(features.shape()) + " / " + Arrays.toString(labels.shape())
                    + " do not fit the network: features need size(1) = " + layers[0].nIn + ", labels size(1) = " + output.nOut
                    + " and the same batch size and number of steps");
        }
        if (b != batch || t != steps) {
            boolean keep = hasState && carry;
            if (keep && b != batch) {
                throw new IllegalStateException("The carried hidden state has batch size " + batch + " but this batch has " + b
                        + ": call resetState() between batches of different sizes");
            }
            List<INDArray[]> state = keep ? saveStates() : null;
            allocate(b, t);
            if (keep) {
                restoreStates(state);
                hasState = true;
            }
        }
        boolean withState = carry && hasState;
        OpExecutioner ex = Nd4j.getExecutioner();
        if (!openBlas) {
            return run(ex, features, labels, b, t, withState);
        }
        int savedBlasThreads = NativeGemm.threads();
        blasThreads = savedBlasThreads;
        try {
            return run(ex, features, labels, b, t, withState);
        } finally {
            NativeGemm.setThreads(savedBlasThreads);
            blasThreads = savedBlasThreads;
        }
    }

    private double run(OpExecutioner ex, INDArray features, INDArray labels, int b, int t, boolean withState) {
        long t0 = System.nanoTime();
        inputBuffer.reshape('c', t, b, layers[0].nIn).assign(features.permute(2, 0, 1));
        labelBuffer.reshape('c', t, b, output.nOut).assign(labels.permute(2, 0, 1));
        t0 = lap(Phase.INPUT, t0);

        INDArray x = inputBuffer;
        for (Recurrent r : layers) {
            t0 = r.forward(ex, net.getLayer(r.index), x, withState, t0);
            x = r.hOut;
        }
        useBlasThreads(sequenceThreads);
        double loss = output.forwardBackward(ex, net.getLayer(output.index), x, labelBuffer, ones, layers[layers.length - 1].dHOut);
        t0 = lap(Phase.OUTPUT_LAYER, t0);
        for (int i = layers.length - 1; i >= 0; i--) {
            Recurrent r = layers[i];
            INDArray below = i > 0 ? layers[i - 1].dHOut : null;
            t0 = r.backward(ex, net.getLayer(r.index), i > 0 ? layers[i - 1].hOut : inputBuffer, ones, below, t0);
        }
        if (carry) {
            for (Recurrent r : layers) {
                r.keepFinalState();
            }
            hasState = true;
        }
        lap(Phase.STATE, t0);
        profiledBatches++;
        return loss;
    }

    /** Copies of every layer's carried state (block 0 of its state arrays), to survive a reallocation. */
    private List<INDArray[]> saveStates() {
        List<INDArray[]> out = new ArrayList<>();
        for (Recurrent r : layers) {
            INDArray[] arrays = r.stateArrays();
            INDArray[] copies = new INDArray[arrays.length];
            for (int i = 0; i < arrays.length; i++) {
                copies[i] = rows(arrays[i], 0, r.b).dup('f');
            }
            out.add(copies);
        }
        return out;
    }

    private void restoreStates(List<INDArray[]> saved) {
        for (int l = 0; l < layers.length; l++) {
            INDArray[] arrays = layers[l].stateArrays();
            for (int i = 0; i < arrays.length; i++) {
                rows(arrays[i], 0, layers[l].b).assign(saved.get(l)[i]);
            }
        }
    }

    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    private void allocate(int b, int t) {
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            int n = b * t;
            inputBuffer = Nd4j.create(type, new long[]{n, layers[0].nIn}, 'c');
            labelBuffer = Nd4j.create(type, new long[]{n, output.nOut}, 'c');
            ones = Nd4j.ones(type, 1, n);
            int laneCount = Math.max(1, Math.min(threads, b / MIN_LANE_ROWS));
            for (Recurrent r : layers) {
                r.allocate(type, b, t, laneCount);
            }
            output.allocate(type, n);
        }
        batch = b;
        steps = t;
        hasState = false;
    }

    @Override
    public boolean handlesMasks() {
        return false;
    }

    /** Always exact: the carried state enters the forward pass and the gradient holds it fixed. */
    @Override
    public String carriedStateProblem(MultiLayerNetwork net) {
        return null;
    }

    @Override
    public void resetState(MultiLayerNetwork net) {
        hasState = false;
    }

    /** Milliseconds per batch spent in each phase since the last {@link #resetProfile()}, in order of the phases. */
    public Map<Phase, Double> profileMillis() {
        Map<Phase, Double> out = new java.util.EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            out.put(p, profiledBatches == 0 ? 0.0 : phaseNanos[p.ordinal()] / 1e6 / profiledBatches);
        }
        return out;
    }

    public void resetProfile() {
        Arrays.fill(phaseNanos, 0);
        profiledBatches = 0;
    }

    private long lap(Phase phase, long since) {
        long now = System.nanoTime();
        phaseNanos[phase.ordinal()] += now - since;
        return now;
    }

    @Override
    public void finish(MultiLayerNetwork net) {
        hasState = false;
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }

    // ------------------------------------------------------------------ layers
    //
    // Layout. Every per-layer array has R = (steps + 1) * batch rows and is column-major ('f'): row
    // block k (rows k*batch .. (k+1)*batch) belongs to step k - 1, block 0 holds the state the batch
    // starts from (or nothing). So:
    //  - a whole column block (one gate of all steps) is contiguous: the batched element-wise work
    //    before the backward loop runs on contiguous memory;
    //  - the per-step blocks of all arrays have the same strides, which ND4J's element-wise loops
    //    handle about twice as fast as mixed layouts;
    //  - rows batch..R of any array are the whole sequence as one column-major matrix (leading
    //    dimension R) for the batched matrix products, and rows 0..R-batch are the same sequence
    //    shifted by one step (the previous hidden state of every step).

    /** Rows [from, to) of a matrix: a view. */
    static INDArray rows(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** Columns [from, to) of a matrix: a view (contiguous for a column-major matrix). */
    static INDArray cols(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    static INDArray[] colBlocks(INDArray[] blocks, long from, long to) {
        INDArray[] out = new INDArray[blocks.length];
        for (int s = 0; s < blocks.length; s++) {
            out[s] = cols(blocks[s], from, to);
        }
        return out;
    }

    /** Elements [from, to) of a contiguous column-major matrix in storage order, as a vector view. */
    static INDArray storageRange(INDArray m, long from, long to) {
        INDArray v = m.reshape('f', new long[]{m.length()});
        if (v.data().addressPointer().address() != m.data().addressPointer().address()) {
            throw new IllegalStateException("Could not view a " + Arrays.toString(m.shape()) + " matrix as a vector without copying");
        }
        return v.get(NDArrayIndex.interval(from, to));
    }

    static INDArray columnMajor(DataType type, long rows, long cols) {
        return Nd4j.create(type, new long[]{rows, cols}, 'f');
    }

    /** Rows lo..hi of row blocks {@code first .. first + count - 1} of a [R, width] matrix, one per step. */
    static INDArray[] blocks(INDArray m, int b, int first, int count, int lo, int hi) {
        INDArray[] out = new INDArray[count];
        for (int k = 0; k < count; k++) {
            out[k] = rows(m, (long) (first + k) * b + lo, (long) (first + k) * b + hi);
        }
        return out;
    }

    /** One recurrent layer: its geometry, DL4J gradient views and working buffers. */
    private abstract class Recurrent {
        int index, nIn, h, b, t;
        INDArray gW, gRW, gb;
        /** Hidden states [R, h]: block 0 the initial state, block s + 1 the output of step s. */
        INDArray hx;
        /** Rows b..R of hx: this layer's output for all steps, the next layer's input. */
        INDArray hOut;
        /** Rows 0..R-b of hx: the state every step starts from. */
        INDArray hPrev;
        /** Gradient of the loss w.r.t. this layer's outputs [R, h] (block s + 1 for step s); dHOut its rows b..R. */
        INDArray dH, dHOut;
        /** The batch rows split into lanes that run the step loops side by side. */
        Lane[] lanes;

        void allocate(DataType type, int b, int t, int laneCount) {
            this.b = b;
            this.t = t;
            long r = (long) (t + 1) * b;
            hx = columnMajor(type, r, h);
            hOut = rows(hx, b, r);
            hPrev = rows(hx, 0, r - b);
            dH = columnMajor(type, r, h);
            dHOut = rows(dH, b, r);
            allocateOwn(type, r);
            lanes = new Lane[laneCount];
            for (int i = 0; i < laneCount; i++) {
                lanes[i] = lane(b * i / laneCount, b * (i + 1) / laneCount);
            }
        }

        abstract void allocateOwn(DataType type, long r);

        abstract Lane lane(int lo, int hi);

        /** Runs the layer over all steps; {@code t0} and the result are profiling timestamps. */
        abstract long forward(OpExecutioner ex, Layer layer, INDArray x, boolean withState, long t0);

        /** Fills the gradient views; sets {@code dBelow} (the layer below's dH) to dL/dX when that is not null. */
        abstract long backward(OpExecutioner ex, Layer layer, INDArray x, INDArray ones, INDArray dBelow, long t0);

        /** The [R, *] arrays whose block 0 is the state a batch starts from: the hidden state, and the LSTM's cell. */
        INDArray[] stateArrays() {
            return new INDArray[]{hx};
        }

        void keepFinalState() {
            for (Lane l : lanes) {
                l.keepFinalState();
            }
        }

        void clearState() {
            for (Lane l : lanes) {
                l.clearState();
            }
        }

        long weightGradients(Layer layer, INDArray x, INDArray dZ, INDArray ones, INDArray dBelow, long t0) {
            useBlasThreads(sequenceThreads);
            products.gemm(x, true, dZ, false, gW, 1, 0);
            products.gemm(hPrev, true, dZ, false, gRW, 1, 0);
            products.gemm(ones, false, dZ, false, gb, 1, 0);
            if (dBelow != null) {
                products.gemm(dZ, false, layer.getParam("W"), true, dBelow, 1, 0);
            }
            return lap(Phase.WEIGHT_GRADIENT_GEMM, t0);
        }
    }

    /**
     * Rows lo..hi of every step of one layer: the step loops of different lanes touch disjoint rows
     * and run in parallel. Only lane 0 (the calling thread) records profile times.
     */
    private abstract class Lane {
        final int lo, hi;
        final boolean timed;
        INDArray[] hBlock, dHBlock;

        Lane(Recurrent layer, int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
            this.timed = lo == 0;
            hBlock = blocks(layer.hx, layer.b, 0, layer.t + 1, lo, hi);
            dHBlock = blocks(layer.dH, layer.b, 1, layer.t, lo, hi);
        }

        long lapIf(Phase phase, long since) {
            return timed ? lap(phase, since) : since;
        }

        abstract void forwardSteps(OpExecutioner ex, INDArray rw, boolean withState);

        abstract void backwardSteps(OpExecutioner ex, INDArray rw);

        abstract void keepFinalState();

        abstract void clearState();
    }

    /** DL4J's LSTM: gate blocks [block input (tanh) | forget | output | input gate] within 4h, no peepholes. */
    private final class LstmLayer extends Recurrent {
        /** Gate pre-activations, activated in place: [R, 4h], block s + 1 for step s. */
        INDArray z, zSeq;
        /** Cell states [R, h] (block 0 initial), tanh of the cell [R, h], derivative factors [R, 4h] and [R, h]. */
        INDArray cx, tc, f, k;

        @Override
        INDArray[] stateArrays() {
            return new INDArray[]{hx, cx};
        }
        /** Gradients w.r.t. the gate pre-activations [R, 4h] and the cell [R, h]. */
        INDArray dZ, dZSeq, dC;

        @Override
        void allocateOwn(DataType type, long r) {
            long g = 4L * h;
            z = columnMajor(type, r, g);
            zSeq = rows(z, b, r);
            dZ = columnMajor(type, r, g);
            dZSeq = rows(dZ, b, r);
            f = columnMajor(type, r, g);
            cx = columnMajor(type, r, h);
            tc = columnMajor(type, r, h);
            k = columnMajor(type, r, h);
            dC = columnMajor(type, r, h);
        }

        @Override
        Lane lane(int lo, int hi) {
            return new LstmLane(this, lo, hi);
        }

        @Override
        long forward(OpExecutioner ex, Layer layer, INDArray x, boolean withState, long t0) {
            INDArray w = layer.getParam("W"), rw = layer.getParam("RW"), bias = layer.getParam("b");
            if (!withState) {
                clearState();
            }
            useBlasThreads(sequenceThreads);
            products.gemm(x, false, w, false, zSeq, 1, 0);
            z.addiRowVector(bias); // block 0 too: it is never read as a gate, and this keeps the op on contiguous memory
            t0 = lap(Phase.FORWARD_SEQUENCE_GEMM, t0);
            runLanes(lanes, lane -> lane.forwardSteps(ex, rw, withState));
            return lap(Phase.LANE_WAIT, lastLaneEnd);
        }

        @Override
        long backward(OpExecutioner ex, Layer layer, INDArray x, INDArray ones, INDArray dBelow, long t0) {
            INDArray rw = layer.getParam("RW");
            long r = (long) (t + 1) * b;
            INDArray g = cols(z, 0, h), fg = cols(z, h, 2L * h), o = cols(z, 2L * h, 3L * h), i = cols(z, 3L * h, 4L * h);
            INDArray kg = cols(f, 0, h), kf = cols(f, h, 2L * h), ko = cols(f, 2L * h, 3L * h), ki = cols(f, 3L * h, 4L * h);
            // Derivative factors of all steps at once, on contiguous columns:
            // dZ_g = dc i (1 - g^2), dZ_f = dc c_{t-1} f (1 - f), dZ_o = dh tanh(c) o (1 - o), dZ_i = dc g i (1 - i),
            // and the part of dc that comes from the step's own output: dh o (1 - tanh(c)^2).
            ex.exec(new MulOp(g, g, kg));
            ex.exec(new ScalarReverseSubtraction(kg, kg, 1.0));
            ex.exec(new MulOp(kg, i, kg));
            ex.exec(new TimesOneMinus(fg, kf));
            INDArray kfSeq = rows(kf, b, r);
            ex.exec(new MulOp(kfSeq, rows(cx, 0, r - b), kfSeq));
            ex.exec(new TimesOneMinus(o, ko));
            ex.exec(new MulOp(ko, tc, ko));
            ex.exec(new TimesOneMinus(i, ki));
            ex.exec(new MulOp(ki, g, ki));
            ex.exec(new MulOp(tc, tc, k));
            ex.exec(new ScalarReverseSubtraction(k, k, 1.0));
            ex.exec(new MulOp(k, o, k));
            t0 = lap(Phase.BACKWARD_FACTORS, t0);
            runLanes(lanes, lane -> lane.backwardSteps(ex, rw));
            t0 = lap(Phase.LANE_WAIT, lastLaneEnd);
            return weightGradients(layer, x, dZSeq, ones, dBelow, t0);
        }
    }

    private final class LstmLane extends Lane {
        final INDArray[] zBlock, zG, zF, zO, zI, zSig, cBlock, tcBlock, fG, fF, fO, fI, kBlock, dCBlock, dZBlock, dZG, dZF, dZO, dZI;

        LstmLane(LstmLayer l, int lo, int hi) {
            super(l, lo, hi);
            int b = l.b, t = l.t;
            long h = l.h, g = 4L * l.h;
            zBlock = blocks(l.z, b, 1, t, lo, hi);
            zG = colBlocks(zBlock, 0, h);
            zF = colBlocks(zBlock, h, 2 * h);
            zO = colBlocks(zBlock, 2 * h, 3 * h);
            zI = colBlocks(zBlock, 3 * h, g);
            zSig = colBlocks(zBlock, h, g);
            cBlock = blocks(l.cx, b, 0, t + 1, lo, hi);
            tcBlock = blocks(l.tc, b, 1, t, lo, hi);
            INDArray[] fBlock = blocks(l.f, b, 1, t, lo, hi);
            fG = colBlocks(fBlock, 0, h);
            fF = colBlocks(fBlock, h, 2 * h);
            fO = colBlocks(fBlock, 2 * h, 3 * h);
            fI = colBlocks(fBlock, 3 * h, g);
            kBlock = blocks(l.k, b, 1, t, lo, hi);
            dCBlock = blocks(l.dC, b, 1, t, lo, hi);
            dZBlock = blocks(l.dZ, b, 1, t, lo, hi);
            dZG = colBlocks(dZBlock, 0, h);
            dZF = colBlocks(dZBlock, h, 2 * h);
            dZO = colBlocks(dZBlock, 2 * h, 3 * h);
            dZI = colBlocks(dZBlock, 3 * h, g);
        }

        @Override
        void forwardSteps(OpExecutioner ex, INDArray rw, boolean withState) {
            long t0 = System.nanoTime();
            int t = zBlock.length;
            for (int s = 0; s < t; s++) {
                boolean fromState = s > 0 || withState;
                if (fromState) {
                    products.gemm(hBlock[s], false, rw, false, zBlock[s], 1, 1);
                    t0 = lapIf(Phase.FORWARD_STEP_GEMM, t0);
                }
                ex.exec(new Sigmoid(zSig[s], zSig[s]));
                ex.exec(new Tanh(zG[s], zG[s]));
                INDArray c = cBlock[s + 1], tmp = dCBlock[s]; // dC is free until the backward pass
                if (fromState) {
                    ex.exec(new MulOp(zF[s], cBlock[s], c));
                    ex.exec(new MulOp(zI[s], zG[s], tmp));
                    ex.exec(new AddOp(c, tmp, c));
                } else {
                    ex.exec(new MulOp(zI[s], zG[s], c));
                }
                ex.exec(new Tanh(c, tcBlock[s]));
                ex.exec(new MulOp(zO[s], tcBlock[s], hBlock[s + 1]));
                t0 = lapIf(Phase.FORWARD_STEP_ELEMENTWISE, t0);
            }
        }

        @Override
        void backwardSteps(OpExecutioner ex, INDArray rw) {
            long t0 = System.nanoTime();
            int t = zBlock.length;
            for (int s = t - 1; s >= 0; s--) {
                INDArray dc = dCBlock[s];
                ex.exec(new MulOp(dHBlock[s], kBlock[s], dc));
                if (s < t - 1) {
                    INDArray tmp = dZG[s]; // overwritten below
                    ex.exec(new MulOp(dCBlock[s + 1], zF[s + 1], tmp));
                    ex.exec(new AddOp(dc, tmp, dc));
                }
                ex.exec(new MulOp(dc, fG[s], dZG[s]));
                ex.exec(new MulOp(dc, fF[s], dZF[s]));
                ex.exec(new MulOp(dc, fI[s], dZI[s]));
                ex.exec(new MulOp(dHBlock[s], fO[s], dZO[s]));
                t0 = lapIf(Phase.BACKWARD_STEP_ELEMENTWISE, t0);
                if (s > 0) {
                    products.gemm(dZBlock[s], false, rw, true, dHBlock[s - 1], 1, 1);
                    t0 = lapIf(Phase.BACKWARD_STEP_GEMM, t0);
                }
            }
        }

        @Override
        void keepFinalState() {
            hBlock[0].assign(hBlock[hBlock.length - 1]);
            cBlock[0].assign(cBlock[cBlock.length - 1]);
        }

        @Override
        void clearState() {
            hBlock[0].assign(0);
            cBlock[0].assign(0);
        }
    }

    /** DL4J's SimpleRnn: h_t = tanh(x_t W + h_{t-1} RW + b). */
    private final class RnnLayer extends Recurrent {
        /** 1 - h^2 [R, h] and the gradient w.r.t. the pre-activations [R, h]. */
        INDArray d, dZ, dZSeq;

        @Override
        void allocateOwn(DataType type, long r) {
            d = columnMajor(type, r, h);
            dZ = columnMajor(type, r, h);
            dZSeq = rows(dZ, b, r);
        }

        @Override
        Lane lane(int lo, int hi) {
            return new RnnLane(this, lo, hi);
        }

        @Override
        long forward(OpExecutioner ex, Layer layer, INDArray x, boolean withState, long t0) {
            INDArray w = layer.getParam("W"), rw = layer.getParam("RW"), bias = layer.getParam("b");
            if (!withState) {
                clearState();
            }
            useBlasThreads(sequenceThreads);
            products.gemm(x, false, w, false, hOut, 1, 0);
            hOut.addiRowVector(bias);
            t0 = lap(Phase.FORWARD_SEQUENCE_GEMM, t0);
            runLanes(lanes, lane -> lane.forwardSteps(ex, rw, withState));
            return lap(Phase.LANE_WAIT, lastLaneEnd);
        }

        @Override
        long backward(OpExecutioner ex, Layer layer, INDArray x, INDArray ones, INDArray dBelow, long t0) {
            INDArray rw = layer.getParam("RW");
            ex.exec(new MulOp(hx, hx, d));
            ex.exec(new ScalarReverseSubtraction(d, d, 1.0));
            t0 = lap(Phase.BACKWARD_FACTORS, t0);
            runLanes(lanes, lane -> lane.backwardSteps(ex, rw));
            t0 = lap(Phase.LANE_WAIT, lastLaneEnd);
            return weightGradients(layer, x, dZSeq, ones, dBelow, t0);
        }
    }

    private final class RnnLane extends Lane {
        final INDArray[] dBlock, dZBlock;

        RnnLane(RnnLayer l, int lo, int hi) {
            super(l, lo, hi);
            dBlock = blocks(l.d, l.b, 1, l.t, lo, hi);
            dZBlock = blocks(l.dZ, l.b, 1, l.t, lo, hi);
        }

        @Override
        void forwardSteps(OpExecutioner ex, INDArray rw, boolean withState) {
            long t0 = System.nanoTime();
            int t = dZBlock.length;
            for (int s = 0; s < t; s++) {
                if (s > 0 || withState) {
                    products.gemm(hBlock[s], false, rw, false, hBlock[s + 1], 1, 1);
                    t0 = lapIf(Phase.FORWARD_STEP_GEMM, t0);
                }
                ex.exec(new Tanh(hBlock[s + 1], hBlock[s + 1]));
                t0 = lapIf(Phase.FORWARD_STEP_ELEMENTWISE, t0);
            }
        }

        @Override
        void backwardSteps(OpExecutioner ex, INDArray rw) {
            long t0 = System.nanoTime();
            for (int s = dZBlock.length - 1; s >= 0; s--) {
                ex.exec(new MulOp(dHBlock[s], dBlock[s], dZBlock[s]));
                t0 = lapIf(Phase.BACKWARD_STEP_ELEMENTWISE, t0);
                if (s > 0) {
                    products.gemm(dZBlock[s], false, rw, true, dHBlock[s - 1], 1, 1);
                    t0 = lapIf(Phase.BACKWARD_STEP_GEMM, t0);
                }
            }
        }

        @Override
        void keepFinalState() {
            hBlock[0].assign(hBlock[hBlock.length - 1]);
        }

        @Override
        void clearState() {
            hBlock[0].assign(0);
        }
    }

    /**
     * The project's GRU ({@link GRU}, computed by {@code GRULayer}): column blocks [reset R | update Z |
     * candidate H~] within 3h, H~ = tanh(X W_xh + (R H_{t-1}) W_hh + b_h) and H_t = Z H_{t-1} + (1 - Z) H~.
     * The reset gate acts before the recurrent product, so each step needs two: H_{t-1} [W_hr | W_hz]
     * and then (R H_{t-1}) W_hh.
     */
    private final class GruLayer extends Recurrent {
        /** Gate pre-activations, activated in place: [R, 3h], block s + 1 for step s. */
        INDArray a, aSeq;
        /** R H_{t-1}, the input of the candidate's recurrent product [R, h]; qSeq its rows of all steps. */
        INDArray q, qSeq;
        /** dL/d(R H_{t-1}) [R, h]; scratch space while the derivative factors are computed and in the backward loop. */
        INDArray dQ;
        /** Derivative factors [R, 3h]: H_{t-1} R (1 - R) | (H_{t-1} - H~) Z (1 - Z) | (1 - Z)(1 - H~^2). */
        INDArray f;
        /** Gradient w.r.t. the pre-activations [R, 3h]. */
        INDArray dA, dASeq;
        /** Whether the last forward pass started from a carried state, so that step 0 has a recurrent term too. */
        boolean startedFromState;

        @Override
        void allocateOwn(DataType type, long r) {
            long g = 3L * h;
            a = columnMajor(type, r, g);
            aSeq = rows(a, b, r);
            q = columnMajor(type, r, h);
            qSeq = rows(q, b, r);
            dQ = columnMajor(type, r, h);
            f = columnMajor(type, r, g);
            dA = columnMajor(type, r, g);
            dASeq = rows(dA, b, r);
        }

        @Override
        Lane lane(int lo, int hi) {
            return new GruLane(this, lo, hi);
        }

        @Override
        long forward(OpExecutioner ex, Layer layer, INDArray x, boolean withState, long t0) {
            INDArray w = layer.getParam("W"), rw = layer.getParam("RW"), bias = layer.getParam("b");
            if (!withState) {
                clearState();
            }
            startedFromState = withState;
            useBlasThreads(sequenceThreads);
            products.gemm(x, false, w, false, aSeq, 1, 0);
            a.addiRowVector(bias); // block 0 too, as for the LSTM: never read as a gate
            t0 = lap(Phase.FORWARD_SEQUENCE_GEMM, t0);
            runLanes(lanes, lane -> lane.forwardSteps(ex, rw, withState));
            return lap(Phase.LANE_WAIT, lastLaneEnd);
        }

        @Override
        long backward(OpExecutioner ex, Layer layer, INDArray x, INDArray ones, INDArray dBelow, long t0) {
            INDArray rw = layer.getParam("RW");
            long r = (long) (t + 1) * b, h2 = 2L * h, h3 = 3L * h;
            INDArray rg = cols(a, 0, h), zg = cols(a, h, h2), cg = cols(a, h2, h3);
            INDArray fr = cols(f, 0, h), fz = cols(f, h, h2), fc = cols(f, h2, h3);
            INDArray tmp = dQ;
            ex.exec(new MulOp(cg, cg, fc));
            ex.exec(new ScalarReverseSubtraction(fc, fc, 1.0));
            ex.exec(new ScalarReverseSubtraction(zg, tmp, 1.0));
            ex.exec(new MulOp(fc, tmp, fc));
            ex.exec(new TimesOneMinus(zg, fz));
            ex.exec(new TimesOneMinus(rg, fr));
            // The factors with H_{t-1} pair every gate row with the hx row b earlier. Element-wise ops on
            // strided row ranges are several times slower than on contiguous memory, so these run on the
            // storage order shifted by b elements instead: contiguous, and the pairs that straddle two
            // columns only write block 0 of the factors, which is never read.
            long n = h * r - b;
            INDArray prevShifted = storageRange(hx, 0, n), tmpShifted = storageRange(tmp, b, b + n);
            INDArray fzShifted = storageRange(fz, b, b + n), frShifted = storageRange(fr, b, b + n);
            ex.exec(new SubOp(prevShifted, storageRange(cg, b, b + n), tmpShifted));
            ex.exec(new MulOp(fzShifted, tmpShifted, fzShifted));
            ex.exec(new MulOp(frShifted, prevShifted, frShifted));
            t0 = lap(Phase.BACKWARD_FACTORS, t0);
            runLanes(lanes, lane -> lane.backwardSteps(ex, rw));
            t0 = lap(Phase.LANE_WAIT, lastLaneEnd);

            useBlasThreads(sequenceThreads);
            products.gemm(x, true, dASeq, false, gW, 1, 0);
            products.gemm(hPrev, true, cols(dASeq, 0, h2), false, cols(gRW, 0, h2), 1, 0);
            products.gemm(qSeq, true, cols(dASeq, h2, h3), false, cols(gRW, h2, h3), 1, 0);
            products.gemm(ones, false, dASeq, false, gb, 1, 0);
            if (dBelow != null) {
                products.gemm(dASeq, false, layer.getParam("W"), true, dBelow, 1, 0);
            }
            return lap(Phase.WEIGHT_GRADIENT_GEMM, t0);
        }
    }

    private final class GruLane extends Lane {
        final GruLayer layer;
        final INDArray[] aRZ, aR, aZ, aC, qBlock, dQBlock, fR, fZ, fC, dARZ, dAR, dAZ, dAC;

        GruLane(GruLayer l, int lo, int hi) {
            super(l, lo, hi);
            layer = l;
            int b = l.b, t = l.t;
            long h = l.h, h2 = 2L * l.h, h3 = 3L * l.h;
            INDArray[] aBlock = blocks(l.a, b, 1, t, lo, hi);
            aRZ = colBlocks(aBlock, 0, h2);
            aR = colBlocks(aBlock, 0, h);
            aZ = colBlocks(aBlock, h, h2);
            aC = colBlocks(aBlock, h2, h3);
            qBlock = blocks(l.q, b, 1, t, lo, hi);
            dQBlock = blocks(l.dQ, b, 1, t, lo, hi);
            INDArray[] fBlock = blocks(l.f, b, 1, t, lo, hi);
            fR = colBlocks(fBlock, 0, h);
            fZ = colBlocks(fBlock, h, h2);
            fC = colBlocks(fBlock, h2, h3);
            INDArray[] dABlock = blocks(l.dA, b, 1, t, lo, hi);
            dARZ = colBlocks(dABlock, 0, h2);
            dAR = colBlocks(dABlock, 0, h);
            dAZ = colBlocks(dABlock, h, h2);
            dAC = colBlocks(dABlock, h2, h3);
        }

        @Override
        void forwardSteps(OpExecutioner ex, INDArray rw, boolean withState) {
            long h = layer.h;
            INDArray rwGates = cols(rw, 0, 2 * h), rwCandidate = cols(rw, 2 * h, 3 * h);
            long t0 = System.nanoTime();
            for (int s = 0; s < aC.length; s++) {
                boolean fromState = s > 0 || withState;
                INDArray prev = hBlock[s], next = hBlock[s + 1];
                if (fromState) {
                    products.gemm(prev, false, rwGates, false, aRZ[s], 1, 1);
                    t0 = lapIf(Phase.FORWARD_STEP_GEMM, t0);
                }
                ex.exec(new Sigmoid(aRZ[s], aRZ[s]));
                if (fromState) {
                    ex.exec(new MulOp(aR[s], prev, qBlock[s]));
                    t0 = lapIf(Phase.FORWARD_STEP_ELEMENTWISE, t0);
                    products.gemm(qBlock[s], false, rwCandidate, false, aC[s], 1, 1);
                    t0 = lapIf(Phase.FORWARD_STEP_GEMM, t0);
                } else {
                    qBlock[s].assign(0); // read by the weight gradient of W_hh
                }
                ex.exec(new Tanh(aC[s], aC[s]));
                if (fromState) {
                    // H~ + Z (H_{t-1} - H~)
                    ex.exec(new SubOp(prev, aC[s], next));
                    ex.exec(new MulOp(next, aZ[s], next));
                    ex.exec(new AddOp(next, aC[s], next));
                } else {
                    // (1 - Z) H~ from a zero state
                    ex.exec(new MulOp(aZ[s], aC[s], next));
                    ex.exec(new SubOp(aC[s], next, next));
                }
                t0 = lapIf(Phase.FORWARD_STEP_ELEMENTWISE, t0);
            }
        }

        @Override
        void backwardSteps(OpExecutioner ex, INDArray rw) {
            long h = layer.h;
            INDArray rwGates = cols(rw, 0, 2 * h), rwCandidate = cols(rw, 2 * h, 3 * h);
            long t0 = System.nanoTime();
            for (int s = aC.length - 1; s >= 0; s--) {
                INDArray dh = dHBlock[s], dq = dQBlock[s];
                ex.exec(new MulOp(dh, fC[s], dAC[s]));
                ex.exec(new MulOp(dh, fZ[s], dAZ[s]));
                t0 = lapIf(Phase.BACKWARD_STEP_ELEMENTWISE, t0);
                if (s == 0 && !layer.startedFromState) {
                    dAR[s].assign(0); // R multiplies a zero state
                    t0 = lapIf(Phase.BACKWARD_STEP_ELEMENTWISE, t0);
                    continue;
                }
                products.gemm(dAC[s], false, rwCandidate, true, dq, 1, 0);
                t0 = lapIf(Phase.BACKWARD_STEP_GEMM, t0);
                ex.exec(new MulOp(dq, fR[s], dAR[s]));
                if (s > 0) {
                    // dL/dH_{t-1} += dq R + dh Z + [dA_r | dA_z] [W_hr | W_hz]^T; dq is scratch once used
                    INDArray dPrev = dHBlock[s - 1];
                    ex.exec(new MulOp(dq, aR[s], dq));
                    ex.exec(new AddOp(dPrev, dq, dPrev));
                    ex.exec(new MulOp(dh, aZ[s], dq));
                    ex.exec(new AddOp(dPrev, dq, dPrev));
                    t0 = lapIf(Phase.BACKWARD_STEP_ELEMENTWISE, t0);
                    products.gemm(dARZ[s], false, rwGates, true, dPrev, 1, 1);
                    t0 = lapIf(Phase.BACKWARD_STEP_GEMM, t0);
                } else {
                    t0 = lapIf(Phase.BACKWARD_STEP_ELEMENTWISE, t0);
                }
            }
        }

        @Override
        void keepFinalState() {
            hBlock[0].assign(hBlock[hBlock.length - 1]);
        }

        @Override
        void clearState() {
            hBlock[0].assign(0);
        }
    }

    /**
     * The RnnOutputLayer: softmax over the vocabulary at every step with cross-entropy summed over
     * tokens, or the identity with DL4J's MSE (per token the squared error averaged over the nOut
     * columns, summed over tokens; its derivative is 2 (y - label) / nOut).
     */
    private final class Output {
        int index, nIn, nOut;
        boolean mse;
        double clipEps;
        INDArray gW, gb, y, p, logP, dY;

        void allocate(DataType type, int n) {
            y = Nd4j.create(type, new long[]{n, nOut}, 'c');
            p = Nd4j.create(type, new long[]{n, nOut}, 'c');
            logP = Nd4j.create(type, new long[]{n, nOut}, 'c');
            dY = Nd4j.create(type, new long[]{n, nOut}, 'c');
        }

        /** Returns the summed loss; fills the output layer's gradients and {@code dH} (dL/d input). */
        double forwardBackward(OpExecutioner ex, Layer layer, INDArray hIn, INDArray labels, INDArray ones, INDArray dH) {
            INDArray w = layer.getParam("W"), bias = layer.getParam("b");
            products.gemm(hIn, false, w, false, y, 1, 0);
            y.addiRowVector(bias);
            double loss;
            if (mse) {
                ex.exec(new SubOp(y, labels, dY));
                loss = dY.norm2Number().doubleValue();
                loss = loss * loss / nOut;
                dY.muli(2.0 / nOut);
            } else {
                loss = softmaxCrossEntropy(ex, labels);
            }
            products.gemm(hIn, true, dY, false, gW, 1, 0);
            products.gemm(ones, false, dY, false, gb, 1, 0);
            products.gemm(dY, false, w, true, dH, 1, 0);
            return loss;
        }

        /** Softmax of {@code y} into {@code p}, its summed cross-entropy, and dL/dy = p - labels into {@code dY}. */
        private double softmaxCrossEntropy(OpExecutioner ex, INDArray labels) {
            ex.exec(new SoftMax(y, p, 1));
            // DL4J's score clips the probabilities to [eps, 1 - eps] before the log; its gradient does not.
            if (clipEps > 0) {
                ex.exec(new ScalarMax(p, null, logP, clipEps));
                ex.exec(new ScalarMin(logP, null, logP, 1.0 - clipEps));
                ex.exec(new Log(logP, logP));
            } else {
                ex.exec(new Log(p, logP));
            }
            ex.exec(new MulOp(logP, labels, logP));
            double loss = -logP.sumNumber().doubleValue();
            ex.exec(new SubOp(p, labels, dY));
            return loss;
        }
    }

    /** The layers this engine is bound to, for diagnostics: e.g. "LSTM(28->256), LSTM(256->256), output(256->28)". */
    public String describe() {
        if (layers == null) {
            return "not prepared";
        }
        List<String> parts = new ArrayList<>();
        for (Recurrent r : layers) {
            String cell = r instanceof LstmLayer ? "LSTM" : r instanceof GruLayer ? "GRU" : "SimpleRnn";
            parts.add(cell + "(" + r.nIn + "->" + r.h + ")");
        }
        parts.add("output(" + output.nIn + "->" + output.nOut + ")");
        return String.join(", ", parts) + "; " + products.describe();
    }
}
