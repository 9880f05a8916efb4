package org.deeprnn.engine;

import org.deeprnn.engine.Obstacle.Kind;
import org.deeprnn.layer.GRU;
import org.deeprnn.model.CellType;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration checks behind {@link NetworkReading}: every setting of a network that keeps one of the engines from
 * training it exactly, each found as an {@link Obstacle} that names the layer and the setting.
 */
final class SupportCheck {

    private SupportCheck() {
    }

    /** Every obstacle {@code net} puts in the way of any engine (an empty list: every engine trains it). */
    static List<Obstacle> obstacles(MultiLayerNetwork net) {
        List<Obstacle> found = new ArrayList<>();
        if (net.getLayers() == null) {
            found.add(new Obstacle(Kind.NOT_INITIALISED, "the network is not initialised: call net.init() first"));
            return found;
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (conf.getBackpropType() == BackpropType.TruncatedBPTT) {
            found.add(new Obstacle(Kind.TRUNCATED_BPTT,
                    "the configuration asks for truncated BPTT; the trainer carries state itself, so build it with standard backprop"));
        }
        if (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty()) {
            found.add(new Obstacle(Kind.STRUCTURE, "the configuration has input preprocessors " + conf.getInputPreProcessors().keySet()));
        }
        DataType dt = net.params().dataType();
        if (dt == DataType.DOUBLE) {
            found.add(new Obstacle(Kind.NOT_FLOAT, "the network's data type is DOUBLE; the oneDNN engine runs FLOAT only"));
        } else if (dt != DataType.FLOAT) {
            found.add(new Obstacle(Kind.DATA_TYPE, "the network's data type is " + dt + "; FLOAT and DOUBLE are supported"));
        }
        carriedState(conf, found);
        int n = net.getnLayers();
        if (n < 2) {
            found.add(new Obstacle(Kind.STRUCTURE, "the network needs at least one recurrent layer and an output layer"));
            return found;
        }
        long expectedIn = -1;
        for (int i = 0; i < n - 1; i++) {
            Layer c = conf.getConf(i).getLayer();
            String where = "layer " + i + " (" + c.getClass().getSimpleName() + "): ";
            if (c.getClass() != LSTM.class && c.getClass() != SimpleRnn.class && c.getClass() != GRU.class) {
                found.add(new Obstacle(Kind.STRUCTURE, where + "only LSTM, SimpleRnn and GRU layers below the output layer are supported"));
                expectedIn = -1;
                continue;
            }
            common((BaseLayer) c, where, i > 0, found);
            recurrent(c, where, found);
            long nIn = ((FeedForwardLayer) c).getNIn();
            if (expectedIn >= 0 && nIn != expectedIn) {
                found.add(new Obstacle(Kind.STRUCTURE, where + "nIn " + nIn + " does not match the " + expectedIn + " units of the layer below"));
            }
            expectedIn = ((FeedForwardLayer) c).getNOut();
        }
        output(conf.getConf(n - 1).getLayer(), expectedIn, found);
        parameterLayout(net, found);
        return found;
    }

    /** The cell of a layer that passed the checks. */
    static CellType cellOf(Layer c) {
        return c.getClass() == LSTM.class ? CellType.LSTM : c.getClass() == GRU.class ? CellType.GRU : CellType.SIMPLE_RNN;
    }

    private static void recurrent(Layer c, String where, List<Obstacle> found) {
        IActivation activation = ((BaseLayer) c).getActivationFn();
        if (!(activation instanceof ActivationTanH)) {
            found.add(new Obstacle(Kind.ACTIVATION, where + "activation " + activation + "; only tanh is supported"));
        }
        RNNFormat format = ((BaseRecurrentLayer) c).getRnnDataFormat();
        if (format != RNNFormat.NCW) {
            found.add(new Obstacle(Kind.STRUCTURE, where + "data format " + format + "; only NCW is supported"));
        }
        if (c instanceof LSTM lstm && !(lstm.getGateActivationFn() instanceof ActivationSigmoid)) {
            found.add(new Obstacle(Kind.ACTIVATION, where + "gate activation " + lstm.getGateActivationFn() + "; only sigmoid is supported"));
        } else if (c instanceof GRU gru && gru.isLayerNorm()) {
            found.add(new Obstacle(Kind.LAYER_NORM, where + "layer normalisation is not supported (DL4J's engine trains the layer-normalised GRU)"));
        } else if (c instanceof SimpleRnn rnn && rnn.hasLayerNorm()) {
            found.add(new Obstacle(Kind.LAYER_NORM, where + "layer normalisation is not supported"));
        }
    }

    private static void output(Layer last, long expectedIn, List<Obstacle> found) {
        if (last.getClass() != RnnOutputLayer.class) {
            found.add(new Obstacle(Kind.STRUCTURE, "the last layer is " + last.getClass().getSimpleName() + "; an RnnOutputLayer is required"));
            return;
        }
        RnnOutputLayer o = (RnnOutputLayer) last;
        String where = "output layer: ";
        common(o, where, false, found);
        ILossFunction loss = o.getLossFn();
        if (loss != null && loss.getClass() == LossMSE.class) {
            if (((LossMSE) loss).getWeights() != null) {
                found.add(new Obstacle(Kind.LOSS, where + "weighted MSE is not supported"));
            }
            if (!(o.getActivationFn() instanceof ActivationIdentity)) {
                found.add(new Obstacle(Kind.ACTIVATION, where + "activation " + o.getActivationFn() + " with MSE; only identity is supported"));
            }
        } else if (!(loss instanceof LossMCXENT mcxent) || loss.getClass() != LossMCXENT.class) {
            found.add(new Obstacle(Kind.LOSS, where + "loss " + loss + "; only MCXENT (cross-entropy) and MSE are supported"));
        } else {
            if (mcxent.getWeights() != null) {
                found.add(new Obstacle(Kind.LOSS, where + "weighted cross-entropy is not supported"));
            }
            if (!(o.getActivationFn() instanceof ActivationSoftmax)) {
                found.add(new Obstacle(Kind.ACTIVATION, where + "activation " + o.getActivationFn()
                        + " with cross-entropy; only softmax is supported"));
            }
        }
        if (!o.hasBias()) {
            found.add(new Obstacle(Kind.STRUCTURE, where + "no bias; only the default (with bias) is supported"));
        }
        if (o.getRnnDataFormat() != null && o.getRnnDataFormat() != RNNFormat.NCW) {
            found.add(new Obstacle(Kind.STRUCTURE, where + "data format " + o.getRnnDataFormat() + "; only NCW is supported"));
        }
        if (expectedIn >= 0 && o.getNIn() != expectedIn) {
            found.add(new Obstacle(Kind.STRUCTURE, where + "nIn " + o.getNIn() + " does not match the " + expectedIn + " units below"));
        }
    }

    /** Weight noise, regularisation and dropout of one layer; {@code aboveFirst}: a recurrent layer reading the one below. */
    private static void common(BaseLayer c, String where, boolean aboveFirst, List<Obstacle> found) {
        if (c.getWeightNoise() != null) {
            found.add(new Obstacle(Kind.REGULARISATION, where + "weight noise is not supported"));
        }
        if ((c.getRegularization() != null && !c.getRegularization().isEmpty())
                || (c.getRegularizationBias() != null && !c.getRegularizationBias().isEmpty())) {
            found.add(new Obstacle(Kind.REGULARISATION,
                    where + "L1/L2/weight-decay regularisation is not supported (the returned loss would lack its term)"));
        }
        String unsupported = dropoutIssue(c.getIDropout(), aboveFirst);
        if (unsupported != null) {
            found.add(new Obstacle(Kind.UNSUPPORTED_DROPOUT, where + unsupported));
        } else if (c.getIDropout() != null) {
            found.add(new Obstacle(Kind.DROPOUT, where + "dropout is not supported by the fused engine (the oneDNN engine applies it)"));
        }
    }

    /**
     * Null when {@code dropout} is absent, or DL4J's {@code Dropout} with a fixed retain probability on a layer that may
     * have it ({@code aboveFirst}, as {@code DeepRnnBuilder.dropout} puts it); otherwise why no fast engine applies it.
     */
    private static String dropoutIssue(IDropout dropout, boolean aboveFirst) {
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
        return aboveFirst ? null : "dropout on this layer's input is not supported (only on the inputs of recurrent layers above the first)";
    }

    /** oneDNN copies each parameter as one column-major run of floats. */
    private static void parameterLayout(MultiLayerNetwork net, List<Obstacle> found) {
        for (int i = 0; i < net.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> p : net.getLayer(i).paramTable().entrySet()) {
                if (!GradientViews.contiguous(p.getValue())) {
                    found.add(new Obstacle(Kind.PARAMETER_LAYOUT, "layer " + i + ": parameter " + p.getKey()
                            + " is not one column-major run of floats"));
                }
            }
        }
    }

    /** DL4J's truncated BPTT differentiates from the stored state only in the project's GRU layer. */
    private static void carriedState(MultiLayerConfiguration conf, List<Obstacle> found) {
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer c = conf.getConf(i).getLayer();
            if (!(c instanceof GRU) && (c instanceof BaseRecurrentLayer || c instanceof Bidirectional || c instanceof BaseWrapperLayer)) {
                found.add(new Obstacle(Kind.CARRIED_STATE, "layer " + i + " (" + c.getClass().getSimpleName() + "): DL4J's backpropagation "
                        + "of it starts from a zero state even when the forward pass started from the carried one, so its gradient is not "
                        + "that of the loss"));
                return;
            }
        }
    }
}
