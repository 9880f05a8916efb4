package org.deeprnn.engine;

import org.deeprnn.layer.GRU;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A faster {@link BatchGradient} for the chapter's models: stacked DL4J {@code LSTM} and
 * {@code SimpleRnn} layers and the project's {@link GRU} layers (without layer normalisation), in
 * any mix, under an {@code RnnOutputLayer} (softmax with cross-entropy, or identity with mean
 * squared error for the time-series regression of notebook 4), trained from the same
 * {@code MultiLayerConfiguration} and the same parameters. It computes what DL4J's backprop
 * computes, reorganised for the CPU (README, "Training speed"):
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
 * dropout, weight noise, regularisation, layer norm, ...: {@link NetworkReading}'s obstacles) are rejected by
 * {@link #prepare} with the reasons, and masked batches by {@link #compute}; it runs on any ND4J backend.
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
    private NetworkReading reading;
    private GradientViews views;
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

    /** @throws IllegalArgumentException naming every setting of {@code net} this engine cannot reproduce ({@link NetworkReading}) */
    @Override
    public void prepare(MultiLayerNetwork net, boolean carryState, int numSteps) {
        NetworkReading read = NetworkReading.of(net);
        read.require(Engine.FUSED);
        this.net = net;
        this.reading = read;
        this.carry = carryState;
        this.hasState = false;
        bind();
    }

    /** Binds every layer to its parameter and gradient views, making DL4J create its gradient view if needed. */
    private void bind() {
        List<NetworkReading.Recurrent> recurrent = reading.layers();
        views = GradientViews.bind(net, recurrent.size());
        layers = new FusedRecurrent[recurrent.size()];
        for (int i = 0; i < layers.length; i++) {
            NetworkReading.Recurrent r = recurrent.get(i);
            INDArray[] g = views.layers()[i];
            layers[i] = switch (r.cell()) {
                case LSTM -> new FusedLstm(i, r.nIn(), r.hidden(), g[0], g[1], g[2], products);
                case GRU -> new FusedGru(i, r.nIn(), r.hidden(), g[0], g[1], g[2], products);
                case SIMPLE_RNN -> new FusedSimpleRnn(i, r.nIn(), r.hidden(), g[0], g[1], g[2], products);
            };
        }
        INDArray[] g = views.layers()[layers.length];
        output = new FusedOutput(layers.length, layers[layers.length - 1].h, reading.nOut(), reading.mse(), reading.clipEps(),
                g[0], g[1], products);
        buffers = new Buffers(net.params().dataType());
        batch = -1;
        steps = -1;
    }

    @Override
    public double compute(MultiLayerNetwork net, DataSet data) {
        if (net != this.net) {
            throw new IllegalStateException("compute() got a different network than prepare(): call prepare(net, ...) first");
        }
        if (!views.boundTo(net)) {
            bind(); // DL4J replaced its gradient view (e.g. after init()): attach to the new one
            hasState = false;
        }
        INDArray features = data.getFeatures();
        INDArray labels = data.getLabels();
        if (data.getFeaturesMaskArray() != null || data.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("FusedRnnGradient does not read masks; the Trainer sends masked batches to Dl4jBatchGradient");
        }
        reading.checkBatch(features, labels);
        int b = (int) features.size(0), t = (int) features.size(2);
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

    /** The layers this engine is bound to, for diagnostics: e.g. "LSTM(28->256), LSTM(256->256), output(256->28); OpenBLAS products". */
    public String describe() {
        return reading == null ? "not prepared" : reading.describeLayers() + "; " + products.describe();
    }
}
