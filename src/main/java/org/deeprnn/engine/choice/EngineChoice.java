package org.deeprnn.engine.choice;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.NetworkReading;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.engine.onednn.OneDnnGradient;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which engine trains a network, and why the ones before it in the order oneDNN, fused, DL4J cannot: the
 * {@link NetworkReading} of the network, plus what depends on this machine (whether oneDNN's natives load) and on the
 * data (whether the state is carried across batches). The {@code Trainer} trains with {@link #create()}'s engine and
 * prints {@link #describe()}.
 */
public final class EngineChoice {
    private final NetworkReading reading;
    private final boolean graph;
    private final Map<Engine, List<Obstacle>> obstacles = new EnumMap<>(Engine.class);
    private final Engine chosen;

    private EngineChoice(NetworkReading reading, boolean graph, boolean carryState) {
        this.reading = reading;
        this.graph = graph;
        String natives = OneDnnGradient.unavailableReason();
        Engine first = null;
        for (Engine e : Engine.values()) {
            List<Obstacle> against = new ArrayList<>();
            if (e == Engine.ONEDNN && natives != null) {
                against.add(new Obstacle(Obstacle.Kind.NATIVES, natives));
            }
            against.addAll(reading.obstacles(e, carryState));
            obstacles.put(e, List.copyOf(against));
            if (first == null && against.isEmpty()) {
                first = e;
            }
        }
        this.chosen = first;
    }

    /** The choice for a stack trained with every batch from a zero state. */
    public static EngineChoice of(MultiLayerNetwork net) {
        return of(net, false);
    }

    /** The choice for a stack; {@code carryState}: the state is carried across batches (sequential partitioning). */
    public static EngineChoice of(MultiLayerNetwork net, boolean carryState) {
        return new EngineChoice(NetworkReading.of(net), false, carryState);
    }

    /** The choice for a graph: DL4J's engine, from a zero state only. */
    public static EngineChoice of(ComputationGraph graph, boolean carryState) {
        return new EngineChoice(NetworkReading.of(graph), true, carryState);
    }

    /** The engine that trains the network: the first of {@link Engine}'s order with no obstacle; null when none can. */
    public Engine chosen() {
        return chosen;
    }

    /** What keeps {@code engine} from training the network here; empty when it can. */
    public List<Obstacle> obstacles(Engine engine) {
        return obstacles.get(engine);
    }

    /** The reading the choice was made from. */
    public NetworkReading reading() {
        return reading;
    }

    /**
     * A new engine of the chosen kind, for a {@code MultiLayerNetwork}.
     *
     * @throws IllegalArgumentException when no engine can train the network with the state carried, naming why and what to do
     * @throws IllegalStateException for a graph, which the {@code Trainer} trains through DL4J's graph directly
     */
    public BatchGradient create() {
        if (graph) {
            throw new IllegalStateException("A ComputationGraph is trained by DL4J's own graph backpropagation, not by a BatchGradient");
        }
        requireEngine();
        return switch (chosen) {
            case ONEDNN -> OneDnnGradient.create();
            case FUSED -> new FusedRnnGradient();
            case DL4J -> new Dl4jBatchGradient();
        };
    }

    /** Throws, naming the obstacles, when no engine can train the network as asked. */
    public void requireEngine() {
        if (chosen == null) {
            refuseCarriedState(Engine.DL4J.className(), NetworkReading.join(obstacles(Engine.DL4J)));
        }
    }

    /**
     * Refuses to carry the state with the engine {@code engineName}, whose gradient would not be that of the loss for
     * the reason {@code problem}, saying what to do instead.
     */
    public void refuseCarriedState(String engineName, String problem) {
        List<Obstacle> fused = obstacles(Engine.FUSED);
        throw new IllegalArgumentException("The trainer will not carry the hidden state across batches with " + engineName + ": "
                + problem + ". Train on RandomSampling or WindowSampling, whose batches start from zero, or use a network the "
                + "fused engine handles" + (fused.isEmpty() ? "" : " (this one is not: " + NetworkReading.join(fused) + ")"));
    }

    /**
     * The chosen engine and why the ones before it were passed over (the first obstacle of each, and how many more), e.g.
     * "FusedRnnGradient (OpenBLAS products; no oneDNN path: the network's data type is DOUBLE; the oneDNN engine runs FLOAT
     * only; masked batches: Dl4jBatchGradient)".
     */
    public String describe() {
        if (graph) {
            return "DL4J ComputationGraph backpropagation";
        }
        if (chosen == null) {
            return "none (" + NetworkReading.join(obstacles(Engine.DL4J)) + ")";
        }
        List<String> parts = new ArrayList<>();
        if (chosen == Engine.ONEDNN) {
            parts.add("oneDNN's RNN primitives");
        } else if (chosen == Engine.FUSED) {
            parts.add(FusedRnnGradient.defaultProducts());
        }
        for (Engine e : Engine.values()) {
            if (e == chosen) {
                break;
            }
            List<Obstacle> against = obstacles(e);
            parts.add("no " + (e == Engine.ONEDNN ? "oneDNN" : "fused") + " path: " + against.get(0).detail()
                    + (against.size() > 1 ? " (and " + (against.size() - 1) + " more)" : ""));
        }
        if (chosen != Engine.DL4J) {
            parts.add("masked batches: " + Engine.DL4J.className());
        }
        return chosen.className() + " (" + String.join("; ", parts) + ")";
    }
}
