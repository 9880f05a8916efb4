package org.deeprnn.layer;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The computation of a {@link GRU} layer inside a {@code MultiLayerNetwork} (notebook 5,
 * "1. d2l's deep GRU: 2 layers of 32 units, 100 epochs"): the forward pass of the GRU equations over a [batch, features, steps]
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
 * computed in a forward pass outlives DL4J's workspaces. Only the recurrent products and the gate
 * arithmetic run step by step; the input projections, derivative factors, weight gradients and the
 * gradient to the layer below are single operations over all steps (about half the ND4J calls of a
 * step-by-step formulation, which is what the time of small models is spent on). With a feature
 * mask, the output and the state are zero at masked steps (as in DL4J's {@code SimpleRnn}) and those
 * steps contribute no gradient. With layer normalisation ({@link GRU#isLayerNorm()}) the forward pass
 * keeps the normalised products and their scales, and the backward pass runs the gradient of the
 * pre-activations through {@link GateNorm}'s derivative before it reaches the weights, the state and
 * the input.
 */
public class GRULayer extends BaseRecurrentLayer<GRU> {
    private static final long serialVersionUID = 1L;
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
    public void clear() {
        super.clear();
        lastForwardStart = null;
    }

    /**
     * x: the input as used (dropout applied, NCW); output: H_1..H_T as returned to the layer above
     * (NWC when so configured); h: H_1..H_T as [batch, h, steps]; gates: R, Z and H~ of every step as
     * [batch, 3h, steps], column-major so that each step's [batch, 3h] block is contiguous; last: H_T;
     * norm: the normalised products when the layer normalises them, else null.
     */
    private record Forward(INDArray x, INDArray output, INDArray h, INDArray gates, INDArray last, Normalised norm) {
    }

    /**
     * With layer normalisation, in the row layout of {@link GateNorm}: LN(X_t W) of every example, step
     * and gate as [batch steps 3, h] (rows in that order) with its scales; LN(H_{t-1} [W_hr | W_hz]) as
     * [steps, batch 2, h] and LN((R_t * H_{t-1}) W_hh) as [steps, batch, h] with theirs (zero at a first
     * step without a start state, where the product is zero and so is its normalisation); the gains gW
     * and gRW as vectors.
     */
    private record Normalised(INDArray input, INDArray inputScale, INDArray gates, INDArray gatesScale,
                              INDArray candidate, INDArray candidateScale, INDArray inputGain, INDArray recurrentGain) {
    }

    /**
     * Runs the GRU over the whole input from {@code h0} (null: zeros). The input projections
     * X_t [W_xr | W_xz | W_xh] + b of all steps are one tensor product before the step loop (with layer
     * normalisation, g_x * LN(X_t W) + b); the loop adds the recurrent products (or g_h * LN(.) of them)
     * and applies the gates. With {@code forBackprop} everything
     * lives in backprop working memory for {@link #backward}.
     */
    // try: the resource is only the workspace scope the loop body runs in, never read
    @SuppressWarnings("try")
    private Forward forward(INDArray h0, boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, mgr);
        GRU conf = layerConf();
        long nIn = conf.getNIn();
        long h = conf.getNOut();
        boolean nwc = getDataFormat() == RNNFormat.NWC;
        if (input.rank() != 3 || input.size(nwc ? 2 : 1) != nIn || input.size(nwc ? 1 : 2) < 1) {
            throw new IllegalArgumentException("GRU " + layerId() + " expects input of shape "
                    + (nwc ? "[batch, steps, " + nIn + "] (NWC)" : "[batch, " + nIn + ", steps] (NCW)")
                    + " with at least one step, got " + Arrays.toString(input.shape()));
        }
        INDArray x = permuteIfNWC(input);
        x = x.castTo(dataType);
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

        ArrayType work = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;
        INDArray hAll = mgr.createUninitialized(forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.ACTIVATIONS,
                dataType, new long[]{m, h, steps}, 'f');
        INDArray gates = mgr.createUninitialized(work, dataType, new long[]{m, 3 * h, steps}, 'f');
        // X_t W for every step at once: [m, nIn, T] x [nIn, 3h] -> [m, T, 3h]; then + b
        INDArray projected = Nd4j.tensorMmul(x, w, new int[][]{{1}, {0}});
        Normalised norm = null;
        if (conf.isLayerNorm()) {
            long rows = m * steps * 3;
            norm = new Normalised(mgr.createUninitialized(work, dataType, new long[]{rows, h}, 'c'),
                    mgr.createUninitialized(work, dataType, new long[]{rows, 1}, 'c'),
                    mgr.create(work, dataType, new long[]{steps, 2 * m, h}, 'c'), mgr.create(work, dataType, new long[]{steps, 2 * m, 1}, 'c'),
                    mgr.create(work, dataType, new long[]{steps, m, h}, 'c'), mgr.create(work, dataType, new long[]{steps, m, 1}, 'c'),
                    getParamWithNoise(GRUParamInitializer.INPUT_GAIN_KEY, training, mgr).reshape(3 * h),
                    getParamWithNoise(GRUParamInitializer.RECURRENT_GAIN_KEY, training, mgr).reshape(3 * h));
            norm.input().assign(projected.reshape('c', rows, h));
            GateNorm.normalise(norm.input(), norm.inputScale());
            projected = norm.input().reshape('c', m * steps, 3 * h).mulRowVector(norm.inputGain()).reshape('c', m, steps, 3 * h);
        }
        gates.assign(projected.permute(0, 2, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(gates, b.reshape(3 * h), gates, 1));
        for (long t = 0; t < steps; t++) {
            try (MemoryWorkspace ignored = mgr.notifyScopeEntered(ArrayType.RNN_FF_LOOP_WORKING_MEM)) {
                INDArray g = gates.get(all(), all(), point(t));
                INDArray rz = g.get(all(), interval(0, 2 * h));
                INDArray z = g.get(all(), interval(h, 2 * h));
                INDArray c = g.get(all(), interval(2 * h, 3 * h));
                if (hPrev != null) {
                    addRecurrent(hPrev, rwGates, rz, norm, t, false);         // + H_{t-1} [W_hr | W_hz]
                }
                Transforms.sigmoid(rz, false);                               // R_t, Z_t
                if (hPrev != null) {
                    INDArray resetState = g.get(all(), interval(0, h)).mul(hPrev);
                    addRecurrent(resetState, rwCandidate, c, norm, t, true);  // + (R_t * H_{t-1}) W_hh
                }
                Transforms.tanh(c, false);                                   // H~_t
                INDArray ht = hAll.get(all(), all(), point(t));
                if (hPrev != null) {
                    hPrev.sub(c, ht).muli(z).addi(c);                        // H~ + Z (H_{t-1} - H~)
                } else {
                    z.rsub(1.0, ht).muli(c);                                 // (1 - Z) H~
                }
                if (mask != null) {
                    ht.muliColumnVector(mask.get(all(), interval(t, t + 1)));
                }
                hPrev = ht;
            }
        }
        INDArray last = hAll.get(all(), all(), point(steps - 1));
        INDArray output = forBackprop ? hAll : permuteIfNWC(hAll);
        return new Forward(x, output, hAll, gates, last, norm);
    }

    /**
     * Adds {@code state} times the recurrent weights of the reset and update gates (or of the
     * {@code candidate}) to {@code target}, or with layer normalisation g_h * LN(that product),
     * keeping LN and its scales for step {@code t}.
     */
    private void addRecurrent(INDArray state, INDArray weights, INDArray target, Normalised norm, long t, boolean candidate) {
        if (norm == null) {
            Nd4j.gemm(state, weights, target, false, false, 1.0, 1.0);
            return;
        }
        long h = layerConf().getNOut();
        INDArray rows = (candidate ? norm.candidate() : norm.gates()).get(point(t), all(), all());
        rows.assign(Nd4j.gemm(state, weights, false, false).reshape('c', rows.size(0), h));
        GateNorm.normalise(rows, (candidate ? norm.candidateScale() : norm.gatesScale()).get(point(t), all(), all()));
        target.addi(rows.reshape('c', target.size(0), target.size(1)).mulRowVector(recurrentGain(norm, candidate)));
    }

    private INDArray recurrentGain(Normalised norm, boolean candidate) {
        long h = layerConf().getNOut();
        return norm.recurrentGain().get(candidate ? interval(2 * h, 3 * h) : interval(0, 2 * h));
    }

    /**
     * The gradient with respect to the recurrent product of the reset and update gates (or of the
     * {@code candidate}) at step {@code t} from that with respect to their pre-activations
     * {@code dPre}: {@code dPre} itself without layer normalisation, else through g_h * LN(.), written
     * into {@code dRecurrent} and returned.
     */
    private INDArray recurrentGradient(INDArray dPre, Normalised norm, INDArray dRecurrent, long t, boolean candidate) {
        if (norm == null) {
            return dPre;
        }
        long h = layerConf().getNOut();
        INDArray rows = (candidate ? norm.candidate() : norm.gates()).get(point(t), all(), all());
        INDArray dRows = Nd4j.createUninitialized(dataType, rows.shape(), 'c');
        GateNorm.backward(dPre.mulRowVector(recurrentGain(norm, candidate)).reshape('c', rows.size(0), h), rows,
                (candidate ? norm.candidateScale() : norm.gatesScale()).get(point(t), all(), all()), dRows);
        INDArray units = dRecurrent.get(all(), candidate ? interval(2 * h, 3 * h) : interval(0, 2 * h), point(t));
        units.assign(dRows.reshape('c', units.size(0), units.size(1)));
        return units;
    }

    /**
     * Backpropagation through time over the last {@code backLength} steps (all when not positive),
     * from the state {@code h0} the forward pass started from (held fixed). The step loop carries
     * dL/dH_{t-1} backwards and stores the gradients of the pre-activations of every step; the
     * derivative factors before it and the parameter and input gradients after it are computed for
     * all steps at once. Writes the parameter gradients into the layer's gradient views and returns
     * the gradient with respect to the input.
     */
    // try: the resource is only the workspace scope the loop body runs in, never read
    @SuppressWarnings("try")
    private Pair<Gradient, INDArray> backward(INDArray epsilon, INDArray h0, int backLength, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Forward f = forward(h0, true, true, mgr);
        INDArray x = f.x();
        INDArray hAll = f.h();
        INDArray gates = f.gates();
        long h = layerConf().getNOut();
        long m = x.size(0);
        long steps = x.size(2);
        INDArray eps = permuteIfNWC(epsilon);
        if (eps.rank() != 3 || eps.size(0) != m || eps.size(1) != h || eps.size(2) != steps) {
            throw new IllegalArgumentException("GRU " + layerId() + ": the gradient from the layer above has shape "
                    + Arrays.toString(eps.shape()) + ", expected [" + m + ", " + h + ", " + steps + "] (NCW)");
        }
        eps = eps.castTo(dataType);
        INDArray w = getParamWithNoise(GRUParamInitializer.INPUT_WEIGHT_KEY, true, mgr);
        INDArray rw = getParamWithNoise(GRUParamInitializer.RECURRENT_WEIGHT_KEY, true, mgr);
        INDArray rwGates = rw.get(all(), interval(0, 2 * h));
        INDArray rwCandidate = rw.get(all(), interval(2 * h, 3 * h));
        INDArray mask = maskArray == null ? null : maskArray.castTo(dataType);
        long[] shape3 = {m, h, steps};

        // H_{t-1} of every step: the start state (or zeros), then H_1..H_{T-1}
        INDArray hPrevAll = mgr.create(ArrayType.BP_WORKING_MEM, dataType, shape3, 'f');
        if (steps > 1) {
            hPrevAll.get(all(), all(), interval(1, steps)).assign(hAll.get(all(), all(), interval(0, steps - 1)));
        }
        if (h0 != null) {
            hPrevAll.get(all(), all(), point(0)).assign(h0.castTo(dataType));
        }
        INDArray r = gates.get(all(), interval(0, h), all());
        INDArray z = gates.get(all(), interval(h, 2 * h), all());
        INDArray c = gates.get(all(), interval(2 * h, 3 * h), all());
        // derivative factors of all steps, [F_r | F_z | F_c]:
        //   dPre_c = dH (1 - Z)(1 - H~^2),  dPre_z = dH (H_{t-1} - H~) Z (1 - Z),  dPre_r = d(R H_{t-1}) H_{t-1} R (1 - R)
        INDArray factors = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, 3 * h, steps}, 'f');
        INDArray fr = factors.get(all(), interval(0, h), all());
        INDArray fz = factors.get(all(), interval(h, 2 * h), all());
        INDArray fc = factors.get(all(), interval(2 * h, 3 * h), all());
        INDArray oneMinusZ = z.rsub(1.0);
        c.mul(c, fc).rsubi(1.0).muli(oneMinusZ);
        hPrevAll.sub(c, fz).muli(z).muli(oneMinusZ);
        r.rsub(1.0, fr).muli(r).muli(hPrevAll);

        // dL/d(pre-activations) of [R | Z | H~] for every step; zero before a truncation point
        INDArray dPre = mgr.create(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, 3 * h, steps}, 'f');
        // dL/dH_{t-1} through the recurrence, carried from step t to step t-1
        INDArray dhNext = mgr.create(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, h}, 'f');
        // with layer normalisation, dL/d(recurrent products) of every step; without, they are dPre
        Normalised norm = f.norm();
        INDArray dRecurrent = norm == null ? dPre : mgr.create(ArrayType.BP_WORKING_MEM, dataType, new long[]{m, 3 * h, steps}, 'f');
        long end = backLength > 0 ? Math.max(0, steps - backLength) : 0;
        for (long t = steps - 1; t >= end; t--) {
            try (MemoryWorkspace ignored = mgr.notifyScopeEntered(ArrayType.RNN_BP_LOOP_WORKING_MEM)) {
                INDArray d = dPre.get(all(), all(), point(t));
                INDArray fStep = factors.get(all(), all(), point(t));
                INDArray g = gates.get(all(), all(), point(t));
                INDArray dh = eps.get(all(), all(), point(t)).add(dhNext);      // dL/dH_t
                if (mask != null) {
                    dh.muliColumnVector(mask.get(all(), interval(t, t + 1)));
                }
                dh.mul(fStep.get(all(), interval(2 * h, 3 * h)), d.get(all(), interval(2 * h, 3 * h)));
                dh.mul(fStep.get(all(), interval(h, 2 * h)), d.get(all(), interval(h, 2 * h)));
                boolean hasPrevious = t > 0 || h0 != null;
                if (hasPrevious) {
                    // H~ = tanh(... + (R H_{t-1}) W_hh)  =>  d(R H_{t-1}) = dRec_c W_hh^T (dRec = dPre without LN)
                    INDArray dRecC = recurrentGradient(d.get(all(), interval(2 * h, 3 * h)), norm, dRecurrent, t, true);
                    INDArray dResetState = Nd4j.gemm(dRecC, rwCandidate, false, true);
                    dResetState.mul(fStep.get(all(), interval(0, h)), d.get(all(), interval(0, h)));
                    INDArray dRecRz = recurrentGradient(d.get(all(), interval(0, 2 * h)), norm, dRecurrent, t, false);
                    if (t > end) {
                        // dL/dH_{t-1} = dH Z + d(R H_{t-1}) R + [dRec_r dRec_z] [W_hr | W_hz]^T
                        dh.mul(g.get(all(), interval(h, 2 * h)), dhNext);
                        dhNext.addi(dResetState.muli(g.get(all(), interval(0, h))));
                        Nd4j.gemm(dRecRz, rwGates, dhNext, false, true, 1.0, 1.0);
                    }
                }
            }
        }

        // dL/d(X_t W): dPre, or through g_x * LN(.) in GateNorm's rows; the gains' gradients, sum of dPre * LN(.)
        INDArray dInput = dPre;
        if (norm != null) {
            INDArray dPreRows = dPre.permute(0, 2, 1).dup('c').reshape('c', m * steps, 3 * h);
            gradientViews.get(GRUParamInitializer.INPUT_GAIN_KEY).assign(
                    dPreRows.mul(norm.input().reshape('c', m * steps, 3 * h)).sum(0).reshape(1, 3 * h));
            INDArray dRows = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, norm.input().shape(), 'c');
            GateNorm.backward(dPreRows.muliRowVector(norm.inputGain()).reshape('c', m * steps * 3, h), norm.input(),
                    norm.inputScale(), dRows);
            dInput = dRows.reshape('c', m, steps, 3 * h).permute(0, 2, 1);
            INDArray dPreByStep = dPre.permute(2, 0, 1);
            INDArray gRwGrad = gradientViews.get(GRUParamInitializer.RECURRENT_GAIN_KEY);
            gRwGrad.get(all(), interval(0, 2 * h)).assign(dPreByStep.get(all(), all(), interval(0, 2 * h))
                    .mul(norm.gates().reshape('c', steps, m, 2 * h)).sum(0, 1).reshape(1, 2 * h));
            gRwGrad.get(all(), interval(2 * h, 3 * h)).assign(dPreByStep.get(all(), all(), interval(2 * h, 3 * h))
                    .mul(norm.candidate()).sum(0, 1).reshape(1, h));
        }

        // parameter gradients, summed over batch and steps
        int[][] batchAndTime = {{0, 2}, {0, 2}};
        INDArray wGrad = gradientViews.get(GRUParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rwGrad = gradientViews.get(GRUParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray bGrad = gradientViews.get(GRUParamInitializer.BIAS_KEY);
        wGrad.assign(Nd4j.tensorMmul(x, dInput, batchAndTime));
        rwGrad.get(all(), interval(0, 2 * h)).assign(Nd4j.tensorMmul(hPrevAll, dRecurrent.get(all(), interval(0, 2 * h), all()), batchAndTime));
        rwGrad.get(all(), interval(2 * h, 3 * h)).assign(Nd4j.tensorMmul(r.mul(hPrevAll), dRecurrent.get(all(), interval(2 * h, 3 * h), all()), batchAndTime));
        bGrad.assign(dPre.sum(0, 2).reshape(1, 3 * h));
        // gradient to the layer below: dL/d(X_t W) [W_xr | W_xz | W_xh]^T for every step
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[]{m, x.size(1), steps}, 'f');
        epsOut.assign(Nd4j.tensorMmul(dInput, w, new int[][]{{1}, {1}}).permute(0, 2, 1));
        weightNoiseParams.clear();

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : layerConf().initializer().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
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
    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    private static INDArray detachedCopy(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup('f');
        }
    }
}
