package org.deeprnn.engine;

import org.deeplearning4j.nn.api.Layer;
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
 * The RnnOutputLayer: softmax over the vocabulary at every step with cross-entropy summed over
 * tokens, or the identity with DL4J's MSE (per token the squared error averaged over the nOut
 * columns, summed over tokens; its derivative is 2 (y - label) / nOut).
 */
final class FusedOutput {
    final int index, nIn, nOut;
    private final boolean mse;
    /** DL4J's clipping of the probabilities in its score (0: none). */
    private final double clipEps;
    private final INDArray gW, gb;
    private final MatrixProducts products;
    private final OpExecutioner ex = Nd4j.getExecutioner();
    /** Outputs, probabilities, their logarithms and dL/dy: [t b, nOut] row-major. */
    private INDArray y, p, logP, dY;

    FusedOutput(int index, int nIn, int nOut, boolean mse, double clipEps, INDArray gW, INDArray gb, MatrixProducts products) {
        this.index = index;
        this.nIn = nIn;
        this.nOut = nOut;
        this.mse = mse;
        this.clipEps = clipEps;
        this.gW = gW;
        this.gb = gb;
        this.products = products;
    }

    /** Lays out the arrays for {@code n} tokens (batch rows times steps) on {@code buffers}. */
    void layout(Buffers buffers, long n) {
        y = buffers.rowMajor(n, nOut);
        p = buffers.rowMajor(n, nOut);
        logP = buffers.rowMajor(n, nOut);
        dY = buffers.rowMajor(n, nOut);
    }

    /** Returns the summed loss; fills the output layer's gradients and {@code dH} (dL/d input). */
    double forwardBackward(Layer layer, INDArray hIn, INDArray labels, INDArray ones, INDArray dH) {
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
            loss = softmaxCrossEntropy(labels);
        }
        products.gemm(hIn, true, dY, false, gW, 1, 0);
        products.gemm(ones, false, dY, false, gb, 1, 0);
        products.gemm(dY, false, w, true, dH, 1, 0);
        return loss;
    }

    /** Softmax of {@code y} into {@code p}, its summed cross-entropy, and dL/dy = p - labels into {@code dY}. */
    private double softmaxCrossEntropy(INDArray labels) {
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
