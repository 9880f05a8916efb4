package org.deeprnn.engine;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.model.CellType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A network as the gradient engines see it, read once: its recurrent cells and widths, the input dropout of each
 * layer, the output layer's loss, the data type, and every {@link Obstacle} that keeps an engine from training it
 * (layer normalisation, other dropout, a graph instead of a stack, ...). The fast engines build from it, and
 * {@code EngineChoice} chooses from it.
 */
public final class NetworkReading {
    /** One recurrent layer: its cell, input and hidden widths, and the probability that its input dropout keeps an element (1: none). */
    public record Recurrent(CellType cell, int nIn, int hidden, double retain) {
        /** "LSTM(28->256)". */
        @Override
        public String toString() {
            return cell.label() + "(" + nIn + "->" + hidden + ")";
        }
    }

    private final List<Recurrent> layers;
    private final int nOut;
    private final boolean mse;
    private final double clipEps;
    private final DataType dataType;
    private final List<Obstacle> obstacles;

    private NetworkReading(List<Recurrent> layers, int nOut, boolean mse, double clipEps, DataType dataType, List<Obstacle> obstacles) {
        this.layers = List.copyOf(layers);
        this.nOut = nOut;
        this.mse = mse;
        this.clipEps = clipEps;
        this.dataType = dataType;
        this.obstacles = List.copyOf(obstacles);
    }

    /** Reads a stack; the cells and widths are filled in only where no {@link Obstacle.Kind#STRUCTURE} obstacle stands in the way. */
    public static NetworkReading of(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("No network to read: pass an initialised MultiLayerNetwork");
        }
        List<Obstacle> found = SupportCheck.obstacles(net);
        boolean readable = found.stream().noneMatch(o -> o.kind() == Obstacle.Kind.STRUCTURE || o.kind() == Obstacle.Kind.NOT_INITIALISED);
        if (!readable) {
            return new NetworkReading(List.of(), 0, false, 0, null, found);
        }
        int top = net.getnLayers() - 1;
        List<Recurrent> layers = new ArrayList<>();
        for (int l = 0; l < top; l++) {
            FeedForwardLayer c = (FeedForwardLayer) net.getLayerWiseConfigurations().getConf(l).getLayer();
            layers.add(new Recurrent(SupportCheck.cellOf(c), (int) c.getNIn(), (int) c.getNOut(),
                    c.getIDropout() instanceof Dropout d ? d.getP() : 1));
        }
        RnnOutputLayer out = (RnnOutputLayer) net.getLayerWiseConfigurations().getConf(top).getLayer();
        boolean mse = out.getLossFn() instanceof LossMSE;
        double clipEps = out.getLossFn() instanceof LossMCXENT x ? x.getSoftmaxClipEps() : 0;
        return new NetworkReading(layers, (int) out.getNOut(), mse, clipEps, net.params().dataType(), found);
    }

    /** Reads a graph: only DL4J's engine trains one, every batch from a zero state. */
    public static NetworkReading of(ComputationGraph graph) {
        String what = "a ComputationGraph (" + (graph == null ? "none" : graph.getNumLayers() + " layers")
                + "): the fast engines train stacks (MultiLayerNetwork) only";
        return new NetworkReading(List.of(), 0, false, 0, null, List.of(new Obstacle(Obstacle.Kind.GRAPH, what),
                new Obstacle(Obstacle.Kind.CARRIED_STATE, "DL4J 1.0.0-M2.1's graph backpropagates its recurrent layers from a zero "
                        + "state even when the forward pass started from a stored one")));
    }

    /** Everything found, for every engine, in the order found. */
    public List<Obstacle> obstacles() {
        return obstacles;
    }

    /**
     * What keeps {@code engine} from training the network; an obstacle of kind {@link Obstacle.Kind#CARRIED_STATE} only
     * when {@code carryState}. Empty: it can.
     */
    public List<Obstacle> obstacles(Engine engine, boolean carryState) {
        return obstacles.stream().filter(o -> o.kind().rulesOut(engine) && (carryState || o.kind() != Obstacle.Kind.CARRIED_STATE)).toList();
    }

    /**
     * Throws unless {@code engine} can train the network from a zero state in every batch (the checks that do not
     * depend on the environment; the oneDNN engine adds its natives).
     */
    public void require(Engine engine) {
        List<Obstacle> against = obstacles(engine, false);
        if (!against.isEmpty()) {
            throw new IllegalArgumentException(engine.className() + " cannot train this network: " + join(against)
                    + ". EngineChoice.of(net) says which engine can; the Trainer takes it by itself");
        }
    }

    /** The details of {@code obstacles}, joined by "; ". */
    public static String join(List<Obstacle> obstacles) {
        return String.join("; ", obstacles.stream().map(Obstacle::detail).toList());
    }

    /** The recurrent layers from the bottom; empty when the network is not a stack the fast engines can read. */
    public List<Recurrent> layers() {
        return layers;
    }

    /** The input width of the bottom layer. */
    public int nIn() {
        return layers.get(0).nIn();
    }

    /** The output layer's width (vocabulary or number of predicted series). */
    public int nOut() {
        return nOut;
    }

    /** Identity with MSE at the output (regression), else softmax with cross-entropy. */
    public boolean mse() {
        return mse;
    }

    /** DL4J's clipping of the probabilities in its cross-entropy (0 for MSE). */
    public double clipEps() {
        return clipEps;
    }

    /** The parameters' data type; null when the network could not be read. */
    public DataType dataType() {
        return dataType;
    }

    /** "LSTM(28->256), LSTM(256->256), output(256->28)". */
    public String describeLayers() {
        List<String> parts = new ArrayList<>();
        layers.forEach(l -> parts.add(l.toString()));
        parts.add("output(" + layers.get(layers.size() - 1).hidden() + "->" + nOut + ")");
        return String.join(", ", parts);
    }

    /** Throws unless {@code features} is [n, nIn, t] and {@code labels} [n, nOut, t] for some n and t (DL4J's NCW layout). */
    public void checkBatch(INDArray features, INDArray labels) {
        boolean ok = features != null && labels != null && features.rank() == 3 && labels.rank() == 3
                && Arrays.equals(features.shape(), new long[]{features.size(0), nIn(), features.size(2)})
                && Arrays.equals(labels.shape(), new long[]{features.size(0), nOut, features.size(2)});
        if (!ok) {
            throw new IllegalArgumentException("This network reads batches as features [n, " + nIn() + ", t] and labels [n, " + nOut
                    + ", t] (DL4J's NCW layout); this batch has " + shape(features) + " and " + shape(labels));
        }
    }

    private static String shape(INDArray a) {
        return a == null ? "none" : Arrays.toString(a.shape());
    }
}
