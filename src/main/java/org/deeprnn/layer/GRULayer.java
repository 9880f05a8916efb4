package org.deeprnn.layer;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The computation of a {@link GRU} layer inside a {@code MultiLayerNetwork} (section "Deep GRU" of
 * the experiments notebook): the forward pass of the GRU equations over a [batch, features, steps]
 * sequence and backpropagation through time, in ND4J operations. See {@link GRU} for the equations
 * and for why this is a {@code RecurrentLayer} rather than a SameDiff layer.
 * <p>
 * State, as DL4J's own recurrent layers keep it:
 * <ul>
 *   <li>{@code rnnTimeStep} starts from the state the previous call ended with (zero after
 *   {@code rnnClearPreviousState}) and stores the new final state: generation one character at a time.</li>
 *   <li>{@code rnnActivateUsingStoredState} (truncated BPTT, and the trainer's state carrying) starts
 *   from the TBPTT state and, when asked, stores its final state there.</li>
 *   <li>The backward pass ({@code backpropGradient}, and {@code tbpttBackpropGradient} with its
 *   truncation) differentiates the last forward pass from the state that pass started from, held
 *   fixed (no gradient flows into earlier minibatches). This matters because DL4J 1.0.0-M2.1's
 *   {@code MultiLayerNetwork} computes every gradient through {@code backpropGradient}, also in
 *   truncated BPTT after a stored-state forward pass; its own {@code LSTM} and {@code SimpleRnn}
 *   restart that backward pass from zero, so with carried state their gradient is not that of the
 *   loss they report. This layer's is (checked against finite differences).</li>
 * </ul>
 * The backward pass recomputes the forward pass, as DL4J's recurrent layers do, so that nothing
 * computed in a forward pass outlives DL4J's workspaces. With a feature mask, the output and the
 * state are zero at masked steps (as in DL4J's {@code SimpleRnn}) and those steps contribute no gradient.
 */
public class GRULayer extends BaseRecurrentLayer<GRU> {
    /** Key of the last hidden state H_T in the rnnTimeStep and TBPTT state maps. */
    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";

    /** The state the last forward pass over the current input started from (null: zeros), for the backward pass. */
    private INDArray lastForwardStart;

    public GRULayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        lastForwardStart = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        lastForwardStart = null;
        return forward(null, training, false, workspaceMgr).output();
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray start = stateMap.get(STATE_KEY_PREV_ACTIVATION);
        Forward f = forward(start, false, false, workspaceMgr);
        lastForwardStart = start;
        stateMap.put(STATE_KEY_PREV_ACTIVATION, detachedCopy(f.last()));
        return f.output();
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray start = tBpttStateMap.get(STATE_KEY_PREV_ACTIVATION);
        Forward f = forward(start, training, false, workspaceMgr);
        lastForwardStart = start;
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_KEY_PREV_ACTIVATION, detachedCopy(f.last()));
        }
        return f.output();
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backward(epsilon, lastForwardStart, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr workspaceMgr) {
        return backward(epsilon, lastForwardStart, tbpttBackLength, workspaceMgr);
    }

    @Override
    public void rnnClearPreviousState() {
        super.rnnClearPreviousState();
        lastForwardStart = null;
    }

    @Override
    public void clear() {
        super.clear();
        lastForwardStart = null;
    }

    /**
     * x: the input as used (dropout applied, NCW, column-major); output: H_1..H_T as returned to the
     * layer above (NWC when so configured); h: H_1..H_T as [batch, h, steps]; gates: R, Z and H~ of
     * every step as [batch, 3h, steps] (only when computed for backprop); last: H_T.
     */
    private record Forward(INDArray x, INDArray output, INDArray h, INDArray gates, INDArray last) {
    }

    /**
     * Runs the GRU over the whole input from {@code h0} (null: zeros). With {@code forBackprop} the
     * gate values of every step are kept (in backprop working memory) for {@link #backward}.
     */
    private Forward forward(INDArray h0, boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, mgr);
        GRU conf = layerConf();
        long nIn = conf.getNIn();
        long h = conf.getNOut();
        INDArray x = permuteIfNWC(input);
        if (x.rank() != 3 || x.size(1) != nIn) {
            throw new IllegalArgumentException("GRU " + layerId() + " expects input of shape [batch, " + nIn + ", steps] "
                    + "(" + conf.getRnnDataFormat() + " data as given to the layer: "
                    + (getDataFormat() == org.deeplearning4j.nn.conf.RNNFormat.NWC ? "[batch, steps, " + nIn + "]" : "[batch, " + nIn + ", steps]")
                    + "), got " + Arrays.toString(input.shape()));
        }
        ArrayType workType = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;
        x = x.castTo(dataType);
        if (x.ordering() != 'f' || !Shape.hasDefaultStridesForShape(x)) {
            x = mgr.dup(workType, x, 'f');
        }
        long m = x.size(0);
        long steps = x.size(2);
        INDArray hPrev = null;
        if (h0 != null) {
            if (h0.rank() != 2 || h0.size(0) != m || h0.size(1) != h) {
                throw new IllegalStateException("GRU " + layerId() + ": the stored hidden state has shape "
                        + Arrays.toString(h0.shape()) + " but this input needs [" + m + ", " + h + "]. The minibatch size "
                        + "changed between calls that carry the state (rnnTimeStep, or training with carried state): "
                        + "call rnnClearPreviousState() first");
            }
            hPrev = h0.castTo(dataType);
        }
        INDArray w = getParamWithNoise(GRUParamInitializer.INPUT_WEIGHT_KEY, training, mgr);
        INDArray rw = getParamWithNoise(GRUParamInitializer.RECURRENT_WEIGHT_KEY, training, mgr);
        INDArray b = getParamWithNoise(GRUParamInitializer.BIAS_KEY, training, mgr);
        INDArray rwGates = rw.get(all(), interval(0, 2 * h));
        INDArray rwCandidate = rw.get(all(), interval(2 * h, 3 * h));
        INDArray mask = maskArray == null ? null : maskArray.castTo(dataType);
        checkMask(mask, m, steps);

        INDArray hAll = mgr.createUninitialized(forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.ACTIVATIONS,
                dataType, new long[]{m, h, steps}, 'f');
        INDArray gates = forBackprop
                ? mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, 3 * h, steps}, 'f')
                : mgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[]{m, 3 * h}, 'f');
        for (long t = 0; t < steps; t++) {
            try (MemoryWorkspace ignored = mgr.notifyScopeEntered(ArrayType.RNN_FF_LOOP_WORKING_MEM)) {
                INDArray g = forBackprop ? gates.get(all(), all(), point(t)) : gates;
                INDArray rz = g.get(all(), interval(0, 2 * h));
                INDArray z = g.get(all(), interval(h, 2 * h));
                INDArray c = g.get(all(), interval(2 * h, 3 * h));
                // pre-activations of all three: X_t [W_xr | W_xz | W_xh] + [b_r | b_z | b_h]
                Nd4j.gemm(x.get(all(), all(), point(t)), w, g, false, false, 1.0, 0.0);
                g.addiRowVector(b);
                if (hPrev != null) {
                    Nd4j.gemm(hPrev, rwGates, rz, false, false, 1.0, 1.0);   // + H_{t-1} [W_hr | W_hz]
                }
                Transforms.sigmoid(rz, false);                               // R_t, Z_t
                if (hPrev != null) {
                    INDArray resetState = g.get(all(), interval(0, h)).mul(hPrev);
                    Nd4j.gemm(resetState, rwCandidate, c, false, false, 1.0, 1.0);   // + (R_t * H_{t-1}) W_hh
                }
                Transforms.tanh(c, false);                                   // H~_t
                INDArray ht = hAll.get(all(), all(), point(t));
                if (hPrev != null) {
                    ht.assign(hPrev).subi(c).muli(z).addi(c);                // H~ + Z (H_{t-1} - H~)
                } else {
                    ht.assign(z).rsubi(1.0).muli(c);                         // (1 - Z) H~
                }
                if (mask != null) {
                    ht.muliColumnVector(mask.get(all(), interval(t, t + 1)));
                }
                hPrev = ht;
            }
        }
        INDArray last = hAll.get(all(), all(), point(steps - 1));
        INDArray output = forBackprop ? hAll : permuteIfNWC(hAll);
        return new Forward(x, output, hAll, forBackprop ? gates : null, last);
    }

    /**
     * Backpropagation through time over the last {@code backLength} steps (all when not positive),
     * from the state {@code h0} the forward pass started from (held fixed). Writes the parameter
     * gradients into the layer's gradient views and returns the gradient with respect to the input.
     */
    private Pair<Gradient, INDArray> backward(INDArray epsilon, INDArray h0, int backLength, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Forward f = forward(h0, true, true, mgr);
        INDArray x = f.x();
        INDArray hAll = f.h();
        INDArray gates = f.gates();
        long nIn = layerConf().getNIn();
        long h = layerConf().getNOut();
        long m = x.size(0);
        long steps = x.size(2);
        INDArray eps = permuteIfNWC(epsilon);
        if (eps.rank() != 3 || eps.size(0) != m || eps.size(1) != h || eps.size(2) != steps) {
            throw new IllegalArgumentException("GRU " + layerId() + ": the gradient from the layer above has shape "
                    + Arrays.toString(eps.shape()) + ", expected [" + m + ", " + h + ", " + steps + "] (NCW)");
        }
        eps = eps.castTo(dataType);
        INDArray h0Typed = h0 == null ? null : h0.castTo(dataType);

        INDArray w = getParamWithNoise(GRUParamInitializer.INPUT_WEIGHT_KEY, true, mgr);
        INDArray rw = getParamWithNoise(GRUParamInitializer.RECURRENT_WEIGHT_KEY, true, mgr);
        INDArray rwGates = rw.get(all(), interval(0, 2 * h));
        INDArray rwCandidate = rw.get(all(), interval(2 * h, 3 * h));
        INDArray wGrad = gradientViews.get(GRUParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rwGrad = gradientViews.get(GRUParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray bGrad = gradientViews.get(GRUParamInitializer.BIAS_KEY);
        INDArray rwGatesGrad = rwGrad.get(all(), interval(0, 2 * h));
        INDArray rwCandidateGrad = rwGrad.get(all(), interval(2 * h, 3 * h));
        gradientsFlattened.assign(0);
        INDArray mask = maskArray == null ? null : maskArray.castTo(dataType);

        INDArray epsOut = mgr.create(ArrayType.ACTIVATION_GRAD, dataType, new long[]{m, nIn, steps}, 'f');
        // dL/dH_{t-1} through the recurrence, carried from step t to step t-1
        INDArray dhNext = mgr.create(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, h}, 'f');
        // dL/d(pre-activations) of [R | Z | H~] at the current step
        INDArray dPre = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, 3 * h}, 'f');
        INDArray dPreGates = dPre.get(all(), interval(0, 2 * h));
        INDArray dPreR = dPre.get(all(), interval(0, h));
        INDArray dPreZ = dPre.get(all(), interval(h, 2 * h));
        INDArray dPreC = dPre.get(all(), interval(2 * h, 3 * h));
        long end = backLength > 0 ? Math.max(0, steps - backLength) : 0;
        for (long t = steps - 1; t >= end; t--) {
            try (MemoryWorkspace ignored = mgr.notifyScopeEntered(ArrayType.RNN_BP_LOOP_WORKING_MEM)) {
                INDArray g = gates.get(all(), all(), point(t));
                INDArray r = g.get(all(), interval(0, h));
                INDArray z = g.get(all(), interval(h, 2 * h));
                INDArray c = g.get(all(), interval(2 * h, 3 * h));
                INDArray hPrev = t > 0 ? hAll.get(all(), all(), point(t - 1)) : h0Typed;

                INDArray dh = eps.get(all(), all(), point(t)).add(dhNext);     // dL/dH_t
                if (mask != null) {
                    dh.muliColumnVector(mask.get(all(), interval(t, t + 1)));
                }
                // H_t = Z H_{t-1} + (1 - Z) H~  =>  dH~ = dH (1 - Z), dZ = dH (H_{t-1} - H~), dH_{t-1} += dH Z
                dPreC.assign(z).rsubi(1.0).muli(dh).muli(c.mul(c).rsubi(1.0));          // tanh' = 1 - H~^2
                if (hPrev != null) {
                    dPreZ.assign(hPrev).subi(c);
                } else {
                    dPreZ.assign(c).negi();
                }
                dPreZ.muli(dh).muli(z.rsub(1.0).muli(z));                               // sigmoid' = Z (1 - Z)
                if (hPrev != null) {
                    // H~ = tanh(... + (R H_{t-1}) W_hh)  =>  d(R H_{t-1}) = dPreC W_hh^T
                    INDArray dResetState = Nd4j.gemm(dPreC, rwCandidate, false, true);
                    dPreR.assign(dResetState).muli(hPrev).muli(r.rsub(1.0).muli(r));
                    dhNext.assign(dh).muli(z).addi(dResetState.muli(r));
                    Nd4j.gemm(dPreGates, rwGates, dhNext, false, true, 1.0, 1.0);        // + [dR dZ] [W_hr | W_hz]^T
                    Nd4j.gemm(hPrev, dPreGates, rwGatesGrad, true, false, 1.0, 1.0);
                    Nd4j.gemm(r.mul(hPrev), dPreC, rwCandidateGrad, true, false, 1.0, 1.0);
                } else {
                    dPreR.assign(0.0);                                                  // H_{t-1} = 0: R has no effect
                    dhNext.assign(0.0);
                }
                Nd4j.gemm(x.get(all(), all(), point(t)), dPre, wGrad, true, false, 1.0, 1.0);
                bGrad.addi(dPre.sum(true, 0));
                Nd4j.gemm(dPre, w, epsOut.get(all(), all(), point(t)), false, true, 1.0, 0.0);
            }
        }
        weightNoiseParams.clear();

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(GRUParamInitializer.INPUT_WEIGHT_KEY, wGrad);
        gradient.gradientForVariable().put(GRUParamInitializer.RECURRENT_WEIGHT_KEY, rwGrad);
        gradient.gradientForVariable().put(GRUParamInitializer.BIAS_KEY, bGrad);
        epsOut = backpropDropOutIfPresent(epsOut);
        return new Pair<>(gradient, permuteIfNWC(epsOut));
    }

    private void checkMask(INDArray mask, long m, long steps) {
        if (mask != null && (mask.rank() != 2 || mask.size(0) != m || mask.size(1) != steps)) {
            throw new IllegalArgumentException("GRU " + layerId() + ": the feature mask has shape "
                    + Arrays.toString(mask.shape()) + ", expected [" + m + ", " + steps + "] (batch, steps)");
        }
    }

    /** A copy outside every workspace, safe to keep between calls. */
    private static INDArray detachedCopy(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup('f');
        }
    }
}
