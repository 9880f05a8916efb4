package org.deeprnn.engine.onednn;

import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.NetworkReading;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BatchGradient} on oneDNN's recurrent primitives: for the networks {@code FusedRnnGradient}
 * trains (stacks of DL4J {@code LSTM}, {@code SimpleRnn} and the project's {@code GRU} in any mix under an
 * {@code RnnOutputLayer} with softmax and cross-entropy, or identity and MSE), in FLOAT, it computes the
 * same summed loss and the same raw gradient, written into the network's flattened gradient view. Each
 * recurrent layer is one forward-training and one backward primitive over the whole sequence; the output
 * layer is three products on {@code dnnl_sgemm} around ND4J's softmax.
 * <p>
 * Dropout: DL4J's {@code Dropout} with a fixed retain probability on the inputs of the recurrent layers above the
 * first (as {@code DeepRnnBuilder.dropout} configures it) is applied in {@link #compute} as DL4J applies it, inverted,
 * the masks drawn from ND4J's random generator ({@code Nd4j.getRandom()}, which the network's seed sets), and left
 * out by {@link #evaluate}; the gradient is that of the loss with the batch's masks held fixed.
 * <p>
 * Exact with carried state: a batch starts from the final state of the one before, and its gradient holds
 * that incoming state fixed, as {@code FusedRnnGradient}'s does; {@link #carriedStateProblem} is null.
 * Batch shapes: the primitives and buffers of each (batch size, steps) are built once and kept (the last,
 * smaller batch of an epoch has its own); a carried state survives a change of steps but not of batch size.
 * <p>
 * Slices and threads: each batch is cut into {@value #SLICES} fixed slices of consecutive sequences, each computed
 * by oneDNN on one thread, their gradients summed in slice order ({@code Shards}); the slices run on up to
 * {@value #SLICES} Java threads ({@code Lanes}; by default one per core, or {@value #THREADS_VARIABLE}). A slice's
 * arithmetic does not depend on the thread that runs it, so the same seed gives bit-identical parameters at any
 * thread count and under any load; the numbers depend on the slice count, which is fixed. Slices synchronise once
 * per batch, not at every step as an OpenMP team does, so a core taken by another program slows training by about
 * its share instead of stalling every step.
 * <p>
 * Natives: each plan's primitives and memories are released when the plan is evicted, at {@link #finish} and at
 * {@link #close}, not left to the garbage collector. Which networks it trains: {@link NetworkReading}'s obstacles for
 * {@link Engine#ONEDNN}, and {@link #unavailableReason}; masked batches go to DL4J's engine as the contract says.
 */
public final class OneDnnGradient implements BatchGradient {
    private static final int MAX_PLANS = 4;
    /** The number of slices every batch is cut into: fixed, so that results do not depend on the machine. */
    public static final int SLICES = 2;
    private final int slices;
    private final Lanes lanes;
    private final Map<Long, Shards> plans = new LinkedHashMap<>(8, 0.75f, true);
    private MultiLayerNetwork net;
    private Topology topology;
    private Shards current;
    private boolean carry;
    private boolean hasState;
    /** Where training masks come from; null: ND4J's random generator. */
    private DropoutMasks.Source maskSource;

    private OneDnnGradient(int slices, Lanes lanes) {
        this.slices = slices;
        this.lanes = lanes;
    }

    /** The environment variable that sets the thread count of {@link #create()}. */
    public static final String THREADS_VARIABLE = "DEEPRNN_ONEDNN_THREADS";

    /**
     * The engine the Trainer uses: {@value #SLICES} slices per batch on {@value #THREADS_VARIABLE} threads when set,
     * else on as many threads as there are slices and cores. The thread count changes the speed, not the numbers.
     *
     * @throws IllegalArgumentException if {@value #THREADS_VARIABLE} is not a positive whole number
     */
    public static OneDnnGradient create() {
        return withThreads(threadsFrom(System.getenv(THREADS_VARIABLE), Math.min(SLICES, Runtime.getRuntime().availableProcessors())));
    }

    /** The thread count {@code value} of {@value #THREADS_VARIABLE} asks for, {@code cores} when it is unset or blank. */
    static int threadsFrom(String value, int cores) {
        if (value == null || value.isBlank()) {
            return Math.max(1, cores);
        }
        int threads;
        try {
            threads = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            threads = 0;
        }
        if (threads >= 1) {
            return threads;
        }
        throw new IllegalArgumentException(THREADS_VARIABLE + "=" + value + " is not a thread count: set it to a whole "
                + "number of at least 1 (for example 1 on a machine other jobs share), or unset it to use every core");
    }

    /** The engine with its {@value #SLICES} slices on {@code threads} Java threads (the same numbers for every count). */
    public static OneDnnGradient withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("oneDNN needs at least one thread, got " + threads);
        }
        return new OneDnnGradient(SLICES, new Lanes(threads, 1));
    }

    /**
     * Any slicing: {@code slices} slices on {@code threads} Java threads of {@code team} OpenMP threads each
     * (1, 1, 2 is the whole batch on a team of two, as before slicing; for timing designs against each other).
     */
    public static OneDnnGradient sliced(int slices, int threads, int team) {
        if (slices < 1) {
            throw new IllegalArgumentException("a batch needs at least one slice, got " + slices);
        }
        return new OneDnnGradient(slices, new Lanes(threads, team));
    }

    /** Whether oneDNN's natives load here and ND4J runs on its CPU backend. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Null when {@link #available()}; otherwise why not. */
    public static String unavailableReason() {
        String backend = OneDnn.backendProblem();
        return backend != null ? backend : OneDnn.unavailableReason();
    }

    /** Takes every training mask from {@code source} instead of the random generator (tests against DL4J with one mask). */
    OneDnnGradient masksFrom(DropoutMasks.Source source) {
        this.maskSource = source;
        return this;
    }

    /** The number of threads the slices of a batch run on. */
    public int threads() {
        return lanes.lanes;
    }

    /** @throws IllegalArgumentException where the natives do not load, or naming every setting of {@code net} this engine cannot reproduce */
    @Override
    public void prepare(MultiLayerNetwork net, boolean carryState, int numSteps) {
        String natives = unavailableReason();
        if (natives != null) {
            throw new IllegalArgumentException("OneDnnGradient cannot run here: " + natives
                    + ". EngineChoice.of(net) says which engine can; the Trainer takes it by itself");
        }
        NetworkReading reading = NetworkReading.of(net);
        reading.require(Engine.ONEDNN);
        this.net = net;
        this.carry = carryState;
        bind(reading);
    }

    private void bind(NetworkReading reading) {
        closePlans();
        topology = new Topology(reading, net);
        hasState = false;
    }

    @Override
    public double compute(MultiLayerNetwork net, DataSet data) {
        INDArray features = checked(net, data), labels = data.getLabels();
        int n = (int) features.size(0), t = (int) features.size(2);
        boolean withState = carry && hasState;
        if (withState && current.n != n) {
            throw new IllegalStateException("The hidden state carried from the last batch holds " + current.n + " sequences, this batch "
                    + n + ": a carried state cannot change its batch size (call resetState() first)");
        }
        Shards plan = plan(n, t);
        if (withState && plan != current) {
            plan.takeStateFrom(current);
        }
        if (!withState) {
            plan.clearState();
        }
        current = plan;
        double loss = plan.run(net, features, labels, maskSource, lanes, true);
        if (carry) {
            plan.carryState();
            hasState = true;
        }
        return loss;
    }

    /**
     * The summed loss of {@code data} from a zero state with dropout off: the forward pass alone (the gradient view
     * keeps what the last {@link #compute} wrote). Forgets the carried state.
     */
    @Override
    public double evaluate(MultiLayerNetwork net, DataSet data) {
        INDArray features = checked(net, data);
        Shards plan = plan((int) features.size(0), (int) features.size(2));
        plan.clearState();
        hasState = false;
        return plan.run(net, features, data.getLabels(), null, lanes, false);
    }

    /** The batch's features, after checking the network, the batch and the binding to DL4J's gradient view. */
    private INDArray checked(MultiLayerNetwork net, DataSet data) {
        if (net != this.net) {
            throw new IllegalStateException("compute() got a different network than prepare(): call prepare(net, ...) first");
        }
        if (data.getFeaturesMaskArray() != null || data.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("OneDnnGradient does not read masks; the Trainer sends masked batches to Dl4jBatchGradient");
        }
        topology.reading.checkBatch(data.getFeatures(), data.getLabels());
        if (!topology.views.boundTo(net)) {
            bind(topology.reading); // DL4J replaced its gradient view (e.g. after init()): attach to the new one
        }
        return data.getFeatures();
    }

    // try: the resource is only the workspace scope the block runs in, never read
    @SuppressWarnings("try")
    private Shards plan(int n, int t) {
        long key = ((long) n << 32) | t;
        Shards plan = plans.get(key);
        if (plan == null) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                plan = OneDnn.withThreads(lanes.team, () -> new Shards(topology, n, t, slices));
            }
            if (plans.size() >= MAX_PLANS) {
                Long eldest = plans.keySet().iterator().next();
                if (plans.get(eldest) != current) {
                    plans.remove(eldest).close();
                }
            }
            plans.put(key, plan);
        }
        return plan;
    }

    @Override
    public void resetState(MultiLayerNetwork net) {
        hasState = false;
    }

    /** Forgets the carried state and releases every plan's natives; the next batch builds its plan afresh. */
    @Override
    public void finish(MultiLayerNetwork net) {
        hasState = false;
        closePlans();
    }

    /** Releases every plan's natives (as {@link #finish} does); the engine stays usable. */
    @Override
    public void close() {
        hasState = false;
        closePlans();
    }

    private void closePlans() {
        plans.values().forEach(Shards::close);
        plans.clear();
        current = null;
    }

    /** The plans (one per batch shape, a plan per slice) that hold natives now: at most {@value #MAX_PLANS}, none after {@link #finish}. */
    List<Shards> openPlans() {
        return List.copyOf(plans.values());
    }

    /** The layers this engine is bound to, e.g. "LSTM(28->256), LSTM(256->256), output(256->28); oneDNN, 2 slice(s) per batch on 2 thread(s)". */
    public String describe() {
        return (topology == null ? "not prepared" : topology.reading.describeLayers()) + "; oneDNN, " + slices
                + " slice(s) per batch on " + lanes.describe();
    }
}
