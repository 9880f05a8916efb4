package org.deeprnn.engine.onednn;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@code RnnOutputLayer} over all steps at once, at one batch shape: logits Y = H W + b for the
 * {@code m = t n} rows of the top layer's output, then softmax with cross-entropy summed over tokens
 * (DL4J's score clips the probabilities to [eps, 1 - eps] before the log, its gradient p - labels does
 * not), or the identity with DL4J's MSE (per token the squared error averaged over the outputs; gradient
 * 2 (y - label) / nOut). The products run on {@code dnnl_sgemm}; DL4J's W is column-major [h, nOut],
 * which is W^T row-major, and its gradient view the same.
 */
final class OutputStage {
    private final int m, h, nOut;
    private final boolean mse;
    private final double clipEps;
    private final INDArray hIn, dH, y, p, logP, dY, ones;

    /**
     * @param hIn the top recurrent layer's output [m, h], row-major
     * @param dH  where the gradient w.r.t. {@code hIn} goes [m, h]
     */
    OutputStage(int m, int h, int nOut, boolean mse, double clipEps, INDArray hIn, INDArray dH) {
        this.m = m;
        this.h = h;
        this.nOut = nOut;
        this.mse = mse;
        this.clipEps = clipEps;
        this.hIn = hIn;
        this.dH = dH;
        y = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        p = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        logP = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        dY = Nd4j.create(DataType.FLOAT, new long[]{m, nOut}, 'c');
        ones = Nd4j.ones(DataType.FLOAT, 1, m);
    }

    /** Logits of all rows (oneDNN's threads). */
    void logits(INDArray w) {
        OneDnn.sgemm(false, true, m, nOut, h, OneDnn.floats(hIn), h, OneDnn.floats(w), h, 0f, OneDnn.floats(y), nOut);
    }

    /** Adds the bias, computes the summed loss and dL/dY (ND4J, calling thread). */
    double loss(OpExecutioner ex, INDArray bias, INDArray labels) {
        y.addiRowVector(bias);
        if (mse) {
            ex.exec(new SubOp(y, labels, dY));
            double norm = dY.norm2Number().doubleValue();
            dY.muli(2.0 / nOut);
            return norm * norm / nOut;
        }
        ex.exec(new SoftMax(y, p, 1));
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

    /** The output layer's gradients into DL4J's views and dL/dH for the layer below (oneDNN's threads). */
    void backward(INDArray w, INDArray gW, INDArray gb) {
        FloatPointer dy = OneDnn.floats(dY);
        OneDnn.sgemm(true, false, nOut, h, m, dy, nOut, OneDnn.floats(hIn), h, 0f, OneDnn.floats(gW), h);
        OneDnn.sgemm(false, false, 1, nOut, m, OneDnn.floats(ones), m, dy, nOut, 0f, OneDnn.floats(gb), nOut);
        OneDnn.sgemm(false, false, m, h, nOut, dy, nOut, OneDnn.floats(w), h, 0f, OneDnn.floats(dH), h);
    }
}
