package org.deeprnn.engine;

import org.deeprnn.layer.GRU;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Which networks {@link FusedRnnGradient} reproduces exactly: the configuration checks behind
 * {@link FusedRnnGradient#unsupportedReason}, each failure named so that callers can report it. The oneDNN engine
 * runs the same checks but accepts DL4J's plain {@code Dropout} on the inputs of the recurrent layers above the first.
 */
final class SupportCheck {

    private SupportCheck() {
    }

    /**
     * Null when the fused engine can train {@code net}, or with {@code inputDropout} the oneDNN engine (which
     * also applies dropout where {@link #dropoutIssue} allows it); otherwise the reason it cannot (for a fallback decision).
     */
    static String unsupportedReason(MultiLayerNetwork net, boolean inputDropout) {
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
            if (common == null) {
                common = dropoutIssue(c.getIDropout(), i > 0, inputDropout);
            }
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
                if (gru.isLayerNorm()) {
                    return where + ": layer normalisation is not supported (DL4J's engine trains the layer-normalised GRU)";
                }
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
            long nIn = ((FeedForwardLayer) c).getNIn();
            if (expectedIn >= 0 && nIn != expectedIn) {
                return where + ": nIn " + nIn + " does not match the " + expectedIn + " units of the layer below";
            }
            expectedIn = ((FeedForwardLayer) c).getNOut();
        }
        org.deeplearning4j.nn.conf.layers.Layer last = conf.getConf(n - 1).getLayer();
        if (last.getClass() != RnnOutputLayer.class) {
            return "the last layer is " + last.getClass().getSimpleName() + "; an RnnOutputLayer is required";
        }
        RnnOutputLayer o = (RnnOutputLayer) last;
        String common = commonLayerIssue(o);
        if (common == null) {
            common = dropoutIssue(o.getIDropout(), false, inputDropout);
        }
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

    /**
     * Null when {@code dropout} is absent, or when it is DL4J's {@code Dropout} with a fixed retain probability
     * on a layer that may have it ({@code aboveFirst}: a recurrent layer reading the one below, as
     * {@code DeepRnnBuilder.dropout} puts it) and {@code allowed}; otherwise why not.
     */
    static String dropoutIssue(IDropout dropout, boolean aboveFirst, boolean allowed) {
        if (dropout == null) {
            return null;
        }
        if (dropout.getClass() != Dropout.class) {
            return "dropout of type " + dropout.getClass().getSimpleName() + " is not supported";
        }
        Dropout plain = (Dropout) dropout;
        if (plain.getPSchedule() != null) {
            return "dropout with a schedule is not supported";
        }
        if (!(plain.getP() > 0 && plain.getP() <= 1)) {
            return "dropout with retain probability " + plain.getP() + " is not supported";
        }
        if (!aboveFirst) {
            return "dropout on this layer's input is not supported (only on the inputs of recurrent layers above the first)";
        }
        return allowed ? null : "dropout is not supported by the fused engine (the oneDNN engine applies it)";
    }

    private static String commonLayerIssue(BaseLayer c) {
        if (c.getWeightNoise() != null) {
            return "weight noise is not supported";
        }
        if ((c.getRegularization() != null && !c.getRegularization().isEmpty())
                || (c.getRegularizationBias() != null && !c.getRegularizationBias().isEmpty())) {
            return "L1/L2/weight-decay regularisation is not supported (the returned loss would lack its term)";
        }
        return null;
    }
}
