package org.deeprnn.engine.onednn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.logsoftmax_forward;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.softmax_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * DL4J's {@code RnnOutputLayer} over all steps at once, at one batch shape: logits Y = H W + b for the
 * {@code m = t n} rows of the top layer's output (one oneDNN matmul; DL4J's W is column-major [h, nOut],
 * given to oneDNN by its strides), then
 * <ul>
 *   <li>softmax with cross-entropy summed over tokens: oneDNN's softmax and log-softmax, the loss
 *   -sum labels log p with log p clamped to [log eps, log(1 - eps)] as DL4J's score clips p (its gradient
 *   p - labels does not), dL/dY = p - labels by oneDNN's binary subtraction;</li>
 *   <li>or the identity with DL4J's MSE (per token the squared error averaged over the outputs; gradient
 *   2 (y - label) / nOut), on ND4J (the small regression models of notebook 4).</li>
 * </ul>
 * The weight gradients and dL/dH are row-major products on {@code dnnl_sgemm}.
 */
final class OutputStage {
    private final int m, h, nOut;
    private final boolean mse;
    private final double logLow, logHigh;
    private final INDArray hIn, dH, y, p, logP, dY, ones, labels;
    private final FloatBuffer labelValues, logValues;
    private final primitive logits, softmax, logSoftmax, difference;
    private final memory weights, bias;
    private final IntMemoryMap logitArgs = new IntMemoryMap(), softmaxArgs = new IntMemoryMap(), logSoftmaxArgs = new IntMemoryMap(),
            differenceArgs = new IntMemoryMap();

    /**
     * @param hIn    the top recurrent layer's output [m, h], row-major
     * @param dH     where the gradient w.r.t. {@code hIn} goes [m, h]
     * @param labels the time-major labels [m, nOut]
     */
    OutputStage(int m, int h, int nOut, boolean mse, double clipEps, INDArray hIn, INDArray dH, INDArray labels) {
        this.m = m;
        this.h = h;
        this.nOut = nOut;
        this.mse = mse;
        this.logLow = clipEps > 0 ? Math.log(clipEps) : Double.NEGATIVE_INFINITY;
        this.logHigh = clipEps > 0 ? Math.log(1 - clipEps) : 0;
        this.hIn = hIn;
        this.dH = dH;
        this.labels = labels;
        y = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        p = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        logP = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        dY = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        ones = Nd4j.ones(DataType.FLOAT, 1, m);
        labelValues = buffer(labels);
        logValues = buffer(logP);

        memory.desc rows = OneDnn.desc(memory.format_tag.ab, m, nOut);
        memory.desc wDesc = new memory.desc(new long[]{h, nOut}, memory.data_type.f32, new long[]{1, h});
        memory.desc bDesc = OneDnn.desc(memory.format_tag.ab, 1, nOut);
        memory.desc hDesc = OneDnn.desc(memory.format_tag.ab, m, h);
        var attr = OneDnn.ownScratchpad();
        var logitsPd = new matmul.primitive_desc(new matmul.desc(hDesc, wDesc, bDesc, rows), attr, OneDnn.cpu());
        logits = new primitive(logitsPd);
        weights = OneDnn.owned(wDesc);
        bias = OneDnn.owned(bDesc);
        memory yMem = OneDnn.over(rows, y), pMem = OneDnn.over(rows, p), logMem = OneDnn.over(rows, logP);
        logitArgs.put(DNNL_ARG_SRC, OneDnn.over(hDesc, hIn)).put(DNNL_ARG_WEIGHTS, weights).put(DNNL_ARG_BIAS, bias).put(DNNL_ARG_DST, yMem)
                .put(DNNL_ARG_SCRATCHPAD, OneDnn.owned(logitsPd.scratchpad_desc()));
        var inference = dnnl.prop_kind.forward_inference;
        var softmaxPd = new softmax_forward.primitive_desc(new softmax_forward.desc(inference, rows, 1), attr, OneDnn.cpu());
        softmax = new primitive(softmaxPd);
        softmaxArgs.put(DNNL_ARG_SRC, yMem).put(DNNL_ARG_DST, pMem).put(DNNL_ARG_SCRATCHPAD, OneDnn.owned(softmaxPd.scratchpad_desc()));
        var logSoftmaxPd = new logsoftmax_forward.primitive_desc(new logsoftmax_forward.desc(inference, rows, 1), attr, OneDnn.cpu());
        logSoftmax = new primitive(logSoftmaxPd);
        logSoftmaxArgs.put(DNNL_ARG_SRC, yMem).put(DNNL_ARG_DST, logMem).put(DNNL_ARG_SCRATCHPAD, OneDnn.owned(logSoftmaxPd.scratchpad_desc()));
        var differencePd = new binary.primitive_desc(new binary.desc(dnnl.algorithm.binary_sub, rows, rows, rows), attr, OneDnn.cpu());
        difference = new primitive(differencePd);
        differenceArgs.put(DNNL_ARG_SRC_0, pMem).put(DNNL_ARG_SRC_1, OneDnn.over(rows, labels)).put(DNNL_ARG_DST, OneDnn.over(rows, dY))
                .put(DNNL_ARG_SCRATCHPAD, OneDnn.owned(differencePd.scratchpad_desc()));
    }

    private static FloatBuffer buffer(INDArray a) {
        FloatPointer f = OneDnn.floats(a);
        f.capacity(a.length());
        f.limit(a.length());
        return f.asBuffer();
    }

    /** Logits, softmax and log-softmax of all rows (oneDNN's threads). */
    void forward(INDArray w, INDArray b) {
        weights.set_data_handle(OneDnn.floats(w));
        bias.set_data_handle(OneDnn.floats(b));
        var s = OneDnn.stream();
        logits.execute(s, logitArgs);
        if (!mse) {
            softmax.execute(s, softmaxArgs);
            logSoftmax.execute(s, logSoftmaxArgs);
        }
    }

    /** The summed loss of the last {@link #forward} (calling thread; for MSE also its gradient, on ND4J). */
    double loss() {
        if (mse) {
            Nd4j.getExecutioner().exec(new SubOp(y, labels, dY));
            double norm = dY.norm2Number().doubleValue();
            dY.muli(2.0 / nOut);
            return norm * norm / nOut;
        }
        double sum = 0;
        for (int i = 0, n = m * nOut; i < n; i++) {
            float label = labelValues.get(i);
            if (label != 0) {
                sum += label * Math.max(logLow, Math.min(logHigh, logValues.get(i)));
            }
        }
        return -sum;
    }

    /** The output layer's gradients into DL4J's views and dL/dH for the layer below (oneDNN's threads). */
    void backward(INDArray w, INDArray gW, INDArray gb) {
        if (!mse) {
            difference.execute(OneDnn.stream(), differenceArgs);
        }
        FloatPointer dy = OneDnn.floats(dY);
        OneDnn.sgemm(true, false, nOut, h, m, dy, nOut, OneDnn.floats(hIn), h, 0f, OneDnn.floats(gW), h);
        OneDnn.sgemm(false, false, 1, nOut, m, OneDnn.floats(ones), m, dy, nOut, 0f, OneDnn.floats(gb), nOut);
        OneDnn.sgemm(false, false, m, h, nOut, dy, nOut, OneDnn.floats(w), h, 0f, OneDnn.floats(dH), h);
    }
}
