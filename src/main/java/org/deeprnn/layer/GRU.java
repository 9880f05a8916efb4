package org.deeprnn.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gated recurrent unit layer for DL4J's {@code MultiLayerConfiguration}, which has none in
 * 1.0.0-M2.1 (notebook 5, "1. d2l's deep GRU: 2 layers of 32 units, 100 epochs"). It stacks with {@code LSTM},
 * {@code SimpleRnn} and {@code RnnOutputLayer} like any DL4J recurrent layer, takes data as
 * [batch, features, steps] (NCW, or NWC when configured), keeps its state for {@code rnnTimeStep},
 * trains with standard and truncated BPTT, and is saved and loaded with the network.
 * <p>
 * The cell computes the GRU of d2l's from-scratch implementation, for a minibatch X_t (n x d) and
 * the previous state H_{t-1} (n x h):
 * <pre>
 *   R_t  = sigmoid(X_t W_xr + H_{t-1} W_hr + b_r)               reset gate
 *   Z_t  = sigmoid(X_t W_xz + H_{t-1} W_hz + b_z)               update gate
 *   H~_t = tanh(X_t W_xh + (R_t * H_{t-1}) W_hh + b_h)          candidate state
 *   H_t  = Z_t * H_{t-1} + (1 - Z_t) * H~_t                     (* element-wise)
 * </pre>
 * with one bias per gate. PyTorch's {@code nn.GRU} (and cuDNN) instead apply the reset gate after the
 * recurrent product, tanh(X_t W_xh + b_ih + R_t * (H_{t-1} W_hh + b_hh)), with two bias vectors; its
 * weights therefore do not carry over. H_0 is zero unless a state is carried in. The gates always use
 * the logistic sigmoid (the update must be a convex combination); the candidate uses tanh, and any
 * other {@code activation} is rejected rather than silently computing something else.
 * <p>
 * <b>Why a hand-written layer and not a SameDiff one.</b> DL4J accepts layers defined in SameDiff
 * ({@code SameDiffLayer}), and SameDiff has GRU operations, but {@code MultiLayerNetwork} keeps
 * hidden state only for layers implementing {@code org.deeplearning4j.nn.api.layers.RecurrentLayer}.
 * For any other layer, {@code rnnTimeStep} and the truncated-BPTT passes call plain
 * {@code activate}: a SameDiff GRU would start from zero at every call, so character-by-character
 * generation and state carried across minibatches would silently break. This layer therefore
 * extends DL4J's {@code BaseRecurrentLayer} (configuration and implementation) and computes the
 * forward pass and backpropagation through time itself with ND4J operations ({@link GRULayer});
 * its parameters are laid out by {@link GRUParamInitializer}. The tests check it against the
 * equations above evaluated independently, and its gradient against finite differences.
 * <p>
 * <b>Layer normalisation</b> ({@code layerNorm(true)}, as Ba, Kiros and Hinton 2016 do for recurrent networks):
 * each gate normalises its input product and its recurrent product separately over its h units, each
 * with its own gain, and adds the bias after, e.g. for the reset gate
 * R_t = sigmoid(g_xr * LN(X_t W_xr) + g_hr * LN(H_{t-1} W_hr) + b_r), and likewise for Z_t and for
 * H~_t with (R_t * H_{t-1}) W_hh, where LN(a) = (a - mean(a)) / sqrt(var(a) + 1e-5) over the h
 * values of one example and gate. The gains are learnt and start at 1 ({@link GRUParamInitializer});
 * DL4J's own {@code SimpleRnn.hasLayerNorm(true)} fails in its forward pass in 1.0.0-M2.1
 * (deeplearning4j issue 9888), and its {@code LSTM} has no such option. A gate of one unit would
 * normalise to 0 whatever its input, so layer normalisation needs nOut of at least 2.
 * <p>
 * Build it like DL4J's own layers:
 * <pre>{@code
 * new GRU.Builder().nIn(28).nOut(256).build()
 * new GRU.Builder().nIn(28).nOut(256).layerNorm(true).build()
 * }</pre>
 */
public class GRU extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    /** Layer normalisation of the gate pre-activations; false in configurations saved before the option existed. */
    private boolean layerNorm;

    /** For JSON deserialisation only; use {@link Builder}. */
    public GRU() {
    }

    private GRU(Builder builder) {
        super(builder);
        if (activationFn == null) {
            activationFn = new ActivationTanH();
        }
        requireTanh(activationFn, getLayerName());
        layerNorm = builder.layerNorm;
        if (layerNorm && builder.getNOut() == 1) {
            throw new IllegalArgumentException(layerNormNeedsTwoUnits(getLayerName()));
        }
        if (builder.getNOut() < 1) {
            throw new IllegalArgumentException("GRU layer " + describeName(getLayerName()) + ": nOut (hidden units) must be "
                    + "at least 1, got " + builder.getNOut());
        }
        if (builder.getNIn() < 0) {
            throw new IllegalArgumentException("GRU layer " + describeName(getLayerName()) + ": nIn (input size) must be "
                    + "at least 1, or unset to take it from the configuration's input type; got " + builder.getNIn());
        }
        initializeConstraints(builder);
    }

    @Override
    protected void initializeConstraints(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> builder) {
        super.initializeConstraints(builder);
        Builder b = (Builder) builder;
        List<LayerConstraint> all = constraints == null ? new ArrayList<>() : new ArrayList<>(constraints);
        addConstraints(all, b.getRecurrentConstraints(), GRUParamInitializer.RECURRENT_WEIGHT_KEY);
        addConstraints(all, b.getInputWeightConstraints(), GRUParamInitializer.INPUT_WEIGHT_KEY);
        constraints = all.isEmpty() ? null : all;
    }

    private static void addConstraints(List<LayerConstraint> to, List<LayerConstraint> from, String key) {
        if (from == null) {
            return;
        }
        for (LayerConstraint c : from) {
            LayerConstraint copy = c.clone();
            copy.setParams(Collections.singleton(key));
            to.add(copy);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        String where = "GRU layer " + layerIndex + " " + describeName(getLayerName());
        if (getNIn() < 1) {
            throw new IllegalStateException(where + ": nIn (input size) must be at least 1, got " + getNIn()
                    + "; set nIn(...) or give the configuration an input type");
        }
        if (getNOut() < 1) {
            throw new IllegalStateException(where + ": nOut (hidden units) must be at least 1, got " + getNOut());
        }
        if (layerNorm && getNOut() < 2) {
            throw new IllegalStateException(layerNormNeedsTwoUnits(getLayerName()));
        }
        requireTanh(getActivationFn(), getLayerName());
        GRULayer layer = new GRULayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** Whether the gate pre-activations are layer-normalised (see the class comment). */
    public boolean isLayerNorm() {
        return layerNorm;
    }

    @Override
    public ParamInitializer initializer() {
        return GRUParamInitializer.getInstance();
    }

    /**
     * Memory estimate: parameters and updater state; per example and step, inference keeps the
     * three gate values of one step and the output, training the gates and outputs of every step
     * (recomputed for backpropagation) plus the gradients flowing to the layer below; layer
     * normalisation adds the normalised input and recurrent products and the latter's gradient.
     */
    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(params);
        long steps = ((InputType.InputTypeRecurrent) inputType).getTimeSeriesLength();
        steps = Math.max(steps, 1);
        long h = getNOut();
        long inferencePerEx = GRUParamInitializer.BLOCKS * h;
        long trainPerEx = steps * (GRUParamInitializer.BLOCKS * h + h) + inputType.arrayElementsPerExample() + 2 * h;
        if (layerNorm) {
            trainPerEx += steps * 3 * GRUParamInitializer.BLOCKS * h;
        }
        return new LayerMemoryReport.Builder(getLayerName(), GRU.class, inputType, outputType)
                .standardMemory(params, updaterState)
                .workingMemory(0, inferencePerEx, MemoryReport.CACHE_MODE_ALL_ZEROS, cacheModeMap(trainPerEx))
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    private static Map<CacheMode, Long> cacheModeMap(long value) {
        Map<CacheMode, Long> m = new HashMap<>();
        for (CacheMode mode : CacheMode.values()) {
            m.put(mode, value);
        }
        return m;
    }

    static void requireTanh(IActivation activation, String layerName) {
        if (!(activation instanceof ActivationTanH)) {
            throw new IllegalArgumentException("GRU layer " + describeName(layerName) + ": the candidate state uses tanh and "
                    + "the gates the sigmoid (the GRU equations); activation " + activation + " is not supported. "
                    + "Leave the activation unset or set Activation.TANH");
        }
    }

    private static String layerNormNeedsTwoUnits(String layerName) {
        return "GRU layer " + describeName(layerName) + ": layer normalisation needs nOut (hidden units) of at least 2: "
                + "a gate of one unit normalises to 0 whatever its input, which would cut the layer off from its input";
    }

    private static String describeName(String layerName) {
        return layerName == null ? "(unnamed)" : "\"" + layerName + "\"";
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && super.equals(o) && ((GRU) o).layerNorm == layerNorm;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + GRU.class.getName().hashCode() + (layerNorm ? 1 : 0);
    }

    @Override
    public String toString() {
        return "GRU(" + (layerNorm ? "layerNorm, " : "") + super.toString() + ")";
    }

    /**
     * Configures a {@link GRU}: nIn, nOut, optional layer normalisation and the usual layer settings;
     * the activation is tanh.
     */
    // unchecked: DL4J declares build() generic in the layer type it returns; this builder makes only GRU
    @SuppressWarnings("unchecked")
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private boolean layerNorm;

        public Builder() {
            setActivationFn(new ActivationTanH());
        }

        /** Layer-normalises the input and recurrent products of every gate (off by default; see {@link GRU}). */
        public Builder layerNorm(boolean layerNorm) {
            this.layerNorm = layerNorm;
            return this;
        }

        @Override
        public GRU build() {
            return new GRU(this);
        }
    }
}
