package org.deeprnn.scratch;

import org.deeprnn.scratch.ScratchDeepRnn.LayerWeights;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unrolled SameDiff graphs of a {@link SameDiffDeepRnn}, one per sequence length, built on first
 * use; their variables wrap the model's own arrays, so every graph sees each update.
 */
final class UnrolledGraphs {
    private final List<LayerWeights> layers;
    private final INDArray whq;
    private final INDArray bq;
    private final DataType dataType;
    private final Map<String, INDArray> params;
    private final Map<Integer, SameDiff> graphs = new HashMap<>();

    UnrolledGraphs(List<LayerWeights> layers, INDArray whq, INDArray bq, DataType dataType, Map<String, INDArray> params) {
        this.layers = layers;
        this.whq = whq;
        this.bq = bq;
        this.dataType = dataType;
        this.params = params;
    }

    /** The graph for sequences of {@code numSteps} steps, built on first use. */
    SameDiff forward(int numSteps) {
        if (numSteps <= 0) {
            throw new IllegalArgumentException("numSteps must be at least 1, got " + numSteps);
        }
        return graphs.computeIfAbsent(numSteps, this::build);
    }

    /**
     * The graph for {@code numSteps} steps with its backward function. ND4J 1.0.0-M2.1 prints a line to
     * standard output for every op it differentiates, hundreds for an unrolled RNN; standard output is
     * silenced while the backward graph is built, once per sequence length.
     */
    SameDiff differentiable(int numSteps) {
        SameDiff sd = forward(numSteps);
        if (!sd.hasGradientFunction()) {
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(out);
            }
        }
        return sd;
    }

    private SameDiff build(int numSteps) {
        SameDiff sd = SameDiff.create();
        long d = layers.get(0).wxh().size(0);
        long q = whq.size(1);
        SDVariable x = sd.placeHolder(SameDiffDeepRnn.FEATURES, dataType, -1, d, numSteps);
        SDVariable y = sd.placeHolder(SameDiffDeepRnn.LABELS, dataType, -1, q, numSteps);
        // Variables wrap this model's own arrays, so every graph sees each update.
        SDVariable below = sd.permute(x, 2, 0, 1);
        for (int l = 1; l <= layers.size(); l++) {
            LayerWeights w = layers.get(l - 1);
            below = SameDiffDeepRnn.rnnLayer(sd, below, numSteps, sd.var(SameDiffDeepRnn.wxhName(l), w.wxh()), sd.var(SameDiffDeepRnn.whhName(l), w.whh()),
                    sd.var(SameDiffDeepRnn.bhName(l), w.bh()));
        }
        long h = layers.get(layers.size() - 1).hiddenUnits();
        SDVariable flatLogits = sd.reshape(below, -1, h).mmul(sd.var("W_hq", whq)).add(sd.var("b_q", bq));
        sd.permute(SameDiffDeepRnn.LOGITS, sd.reshape(flatLogits, numSteps, -1, q), 1, 2, 0);
        SDVariable flatLabels = sd.reshape(sd.permute(y, 2, 0, 1), -1, q);
        // Log-softmax over the last axis, the vocabulary. The variant taking an explicit axis cannot be
        // differentiated in ND4J 1.0.0-M2.1: copying the graph for the backward pass fails on its axis property.
        SDVariable tokenLoss = sd.nn.logSoftmax(flatLogits).mul(flatLabels).sum(1).neg();
        sd.setLossVariables(tokenLoss.mean(SameDiffDeepRnn.LOSS));
        for (String name : params.keySet()) {
            if (sd.getArrForVarName(name) != params.get(name)) {
                throw new IllegalStateException("SameDiff copied parameter " + name + " instead of wrapping it");
            }
        }
        return sd;
    }
}
