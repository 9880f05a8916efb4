package org.deeprnn.engine;

import org.deeprnn.layer.GRU;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A faster {@link BatchGradient} for the chapter's models: stacked DL4J {@code LSTM} and
 * {@code SimpleRnn} layers and the project's {@link GRU} layers (without layer normalisation), in
 * any mix, under an {@code RnnOutputLayer} (softmax with cross-entropy, or identity with mean
 * squared error for the time-series regression of notebook 4), trained from the same
 * {@code MultiLayerConfiguration} and the same parameters. It computes what DL4J's backprop
 * computes, reorganised for the CPU (section "Training speed"):
 * <ul>
 *   <li>time-major storage ({@link Layout}): step t of the batch is one contiguous block of rows, so
 *   every per-step operand is a plain matrix and nothing is copied inside the step loops;</li>
 *   <li>the input projections X W + b of all steps, the output layer, and the weight gradients
 *   X^T dZ, H^T dZ of all steps are single large matrix products; only the recurrent product
 *   H_{t-1} RW (for the GRU two of them, the gates' and then the candidate's from the reset state),
 *   the gate arithmetic and its backward counterpart stay inside the step loops;</li>
 *   <li>the derivative factors of the gates are computed for all steps at once before the backward loop;</li>
 *   <li>matrix products go straight to OpenBLAS ({@link NativeGemm}); the working memory is allocated
 *   for the largest batch seen and reused by smaller ones ({@link Buffers}).</li>
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
 * Threads: everything runs on the calling thread, and the products at OpenBLAS's process-wide thread
 * count, which this class never changes (so no other thread's products are affected). The project
 * starts every JVM with {@code OMP_NUM_THREADS=1}, from which ND4J sets OpenBLAS to one thread: the
 * fastest setting on the 2-core machine, where the per-step operations are dominated by fixed
 * per-call costs. Splitting the batch rows of the step loops across two threads, or two OpenBLAS
 * threads for the whole-sequence products, measured 1.0-1.7 times slower (2 x LSTM(256) and
 * 2 x SimpleRnn(256) at batch 32 x 35, 2 x GRU(32) at batch 1024 x 32), so this class has no such option.
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
        STATE("carry the state");

        private final String description;

        Phase(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final MatrixProducts products;
    private Profiler profiler = Profiler.OFF;
    private MultiLayerNetwork net;
    private INDArray boundFlatGradient;
    private FusedRecurrent[] layers;
    private FusedOutput output;
    private Buffers buffers;
    private boolean carry;
    private boolean hasState;
    private int batch = -1;
    private int steps = -1;
    /** The batch's features and labels, time-major: [t b, nIn] and [t b, nOut], row-major. */
    private INDArray inputBuffer, labelBuffer;
    /** A [1, t b] row of ones: the bias gradients are its products with dZ. */
    private INDArray ones;

    /** Matrix products on OpenBLAS on the CPU backend, through ND4J on any other ({@link #defaultProducts()}). */
    public FusedRnnGradient() {
        this(MatrixProducts.best());
    }

    /**
     * The same engine with every matrix product through ND4J's own {@code mmul} instead of OpenBLAS:
     * slower, but it runs on any ND4J backend. The Trainer picks it where OpenBLAS is not available
     * (the CUDA backend); tests use it on the CPU to check it against the OpenBLAS engine.
     */
    public static FusedRnnGradient portable() {
        return new FusedRnnGradient(MatrixProducts.nd4j());
    }

    private FusedRnnGradient(MatrixProducts products) {
        this.products = products;
    }

    /** Which matrix products the default engine uses on this backend: OpenBLAS's, or ND4J's off the CPU. */
    public static String defaultProducts() {
        return MatrixProducts.best().describe();
    }

    /** Null when this class can train {@code net}; otherwise the reason it cannot (for a fallback decision). */
    public static String unsupportedReason(MultiLayerNetwork net) {
        return SupportCheck.unsupportedReason(net, false);
    }

    /**
     * The checks of {@link #unsupportedReason}, except that DL4J's {@code Dropout} with a fixed retain probability
     * on the inputs of the recurrent layers above the first passes: the oneDNN engine applies it, this one does not.
     */
    public static String unsupportedReasonAllowingDropout(MultiLayerNetwork net) {
        return SupportCheck.unsupportedReason(net, true);
    }

    /** True when {@link #unsupportedReason} finds nothing to object to. */
    public static boolean supports(MultiLayerNetwork net) {
        return unsupportedReason(net) == null;
    }

    /** {@link GradientViews#ensureGradientView}, for the other engines of this package. */
    static INDArray ensureGradientView(MultiLayerNetwork net) {
        return GradientViews.ensureGradientView(net);
    }

    /** {@link GradientViews#sameMemory}, for the other engines of this package. */
    static boolean sameMemory(INDArray a, INDArray b) {
        return GradientViews.sameMemory(a, b);
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
        bind();
    }

    /** Finds the parameter and gradient views of every layer, making DL4J create its gradient view if needed. */
    private void bind() {
        INDArray flat = GradientViews.ensureGradientView(net);
        Map<String, INDArray> grads = net.gradient().gradientForVariable();
        int n = net.getnLayers();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        layers = new FusedRecurrent[n - 1];
        for (int i = 0; i < n - 1; i++) {
            FeedForwardLayer c = (FeedForwardLayer) conf.getConf(i).getLayer();
            INDArray gW = GradientViews.view(grads, flat, i + "_W"), gRW = GradientViews.view(grads, flat, i + "_RW"),
                    gb = GradientViews.view(grads, flat, i + "_b");
            int nIn = (int) c.getNIn(), h = (int) c.getNOut();
            layers[i] = c instanceof LSTM ? new FusedLstm(i, nIn, h, gW, gRW, gb, products)
                    : c instanceof GRU ? new FusedGru(i, nIn, h, gW, gRW, gb, products)
                    : new FusedSimpleRnn(i, nIn, h, gW, gRW, gb, products);
        }
        RnnOutputLayer oc = (RnnOutputLayer) conf.getConf(n - 1).getLayer();
        boolean mse = oc.getLossFn() instanceof LossMSE;
        output = new FusedOutput(n - 1, (int) oc.getNIn(), (int) oc.getNOut(), mse,
                mse ? 0 : ((LossMCXENT) oc.getLossFn()).getSoftmaxClipEps(),
                GradientViews.view(grads, flat, (n - 1) + "_W"), GradientViews.view(grads, flat, (n - 1) + "_b"), products);
        boundFlatGradient = flat;
        buffers = new Buffers(net.params().dataType());
        batch = -1;
        steps = -1;
    }

    @Override
    public double compute(MultiLayerNetwork net, DataSet data) {
        if (net != this.net) {
            throw new IllegalStateException("compute() got a different network than prepare(): call prepare(net, ...) first");
        }
        if (!GradientViews.stillBound(net, boundFlatGradient)) {
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
            List<INDArray[]> state = new ArrayList<>();
            if (keep) {
                for (FusedRecurrent r : layers) {
                    state.add(r.copyState());
                }
            }
            layout(b, t);
            if (keep) {
                for (int l = 0; l < layers.length; l++) {
                    layers[l].restoreState(state.get(l));
                }
                hasState = true;
            }
        }
        return run(features, labels, carry && hasState);
    }

    private double run(INDArray features, INDArray labels, boolean withState) {
        profiler.start();
        inputBuffer.reshape('c', steps, batch, layers[0].nIn).assign(features.permute(2, 0, 1));
        labelBuffer.reshape('c', steps, batch, output.nOut).assign(labels.permute(2, 0, 1));
        profiler.lap(Phase.INPUT);
        INDArray x = inputBuffer;
        for (FusedRecurrent r : layers) {
            r.forward(net.getLayer(r.index), x, withState, profiler);
            x = r.hOut;
        }
        double loss = output.forwardBackward(net.getLayer(output.index), x, labelBuffer, ones, layers[layers.length - 1].dHOut);
        profiler.lap(Phase.OUTPUT_LAYER);
        for (int i = layers.length - 1; i >= 0; i--) {
            FusedRecurrent r = layers[i];
            r.backward(net.getLayer(r.index), i > 0 ? layers[i - 1].hOut : inputBuffer, ones, i > 0 ? layers[i - 1].dHOut : null, profiler);
        }
        if (carry) {
            for (FusedRecurrent r : layers) {
                r.keepFinalState();
            }
            hasState = true;
        }
        profiler.lap(Phase.STATE);
        profiler.end();
        return loss;
    }

    /** Lays out every working array for {@code b} batch rows and {@code t} steps, reusing the memory of larger batches. */
    private void layout(int b, int t) {
        int n = b * t;
        buffers.layout();
        inputBuffer = buffers.rowMajor(n, layers[0].nIn);
        labelBuffer = buffers.rowMajor(n, output.nOut);
        ones = buffers.rowMajor(1, n).assign(1);
        for (FusedRecurrent r : layers) {
            r.layout(buffers, b, t);
        }
        output.layout(buffers, n);
        batch = b;
        steps = t;
        hasState = false;
    }

    /** How many working buffers this engine has allocated since {@link #prepare}: a batch that fits in them adds none. */
    int bufferAllocations() {
        return buffers == null ? 0 : buffers.allocations();
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

    /**
     * Milliseconds per batch spent in each phase since the last {@link #resetProfile()}, in order of
     * the phases; all zero when {@link #resetProfile()} was never called.
     */
    public Map<Phase, Double> profileMillis() {
        return profiler.millisPerBatch();
    }

    /** Starts profiling afresh: until then the engine reads no clock, afterwards it times every phase. */
    public void resetProfile() {
        profiler = Profiler.recording();
    }

    @Override
    public void finish(MultiLayerNetwork net) {
        hasState = false;
    }

    /** The layers this engine is bound to, for diagnostics: e.g. "LSTM(28->256), LSTM(256->256), output(256->28)". */
    public String describe() {
        if (layers == null) {
            return "not prepared";
        }
        List<String> parts = new ArrayList<>();
        for (FusedRecurrent r : layers) {
            parts.add(r.cell + "(" + r.nIn + "->" + r.h + ")");
        }
        parts.add("output(" + output.nIn + "->" + output.nOut + ")");
        return String.join(", ", parts) + "; " + products.describe();
    }
}
