package org.deeprnn.engine;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * {@link BatchGradient} through DL4J's own {@code MultiLayerNetwork.computeGradientAndScore}: works
 * for any network. To carry the hidden state across batches it switches the network to truncated
 * BPTT with one segment per batch (DL4J reads stored state in training only in that mode) and
 * restores the original setting in {@link #finish}. Its gradient with carried state is exact only for
 * GRU stacks ({@link #carriedStateProblem}).
 */
public final class Dl4jBatchGradient implements BatchGradient {
    private boolean carry;
    private BackpropType savedType;
    private int savedFwd;
    private int savedBack;

    @Override
    public void prepare(MultiLayerNetwork net, boolean carryState, int numSteps) {
        this.carry = carryState;
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        savedType = conf.getBackpropType();
        savedFwd = conf.getTbpttFwdLength();
        savedBack = conf.getTbpttBackLength();
        if (carryState) {
            conf.setBackpropType(BackpropType.TruncatedBPTT);
            conf.setTbpttFwdLength(numSteps);
            conf.setTbpttBackLength(numSteps);
        }
        net.rnnClearPreviousState();
    }

    @Override
    public double compute(MultiLayerNetwork net, DataSet batch) {
        if (!carry) {
            net.rnnClearPreviousState();
        }
        net.setInput(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(batch.getFeaturesMaskArray(), batch.getLabelsMaskArray());
        net.computeGradientAndScore();
        net.clearLayerMaskArrays();
        if (carry) {
            net.updateRnnStateWithTBPTTState();
        }
        // DL4J's score is the loss summed over all steps divided by the number of sequences.
        return net.score() * batch.getFeatures().size(0);
    }

    @Override
    public boolean handlesMasks() {
        return true;
    }

    /** DL4J's truncated BPTT differentiates from the stored state only in the project's GRU layer ({@link Obstacle.Kind#CARRIED_STATE}). */
    @Override
    public String carriedStateProblem(MultiLayerNetwork net) {
        List<Obstacle> against = NetworkReading.of(net).obstacles(Engine.DL4J, true);
        return against.isEmpty() ? null : NetworkReading.join(against);
    }

    @Override
    public void resetState(MultiLayerNetwork net) {
        net.rnnClearPreviousState();
    }

    @Override
    public void finish(MultiLayerNetwork net) {
        net.rnnClearPreviousState();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        conf.setBackpropType(savedType);
        conf.setTbpttFwdLength(savedFwd);
        conf.setTbpttBackLength(savedBack);
    }
}
