package org.deeprnn.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out and initialises the parameters of a {@link GRU} layer with n inputs and h units inside
 * the network's flat parameter vector (notebook 5, "1. d2l's deep GRU: 2 layers of 32 units, 100 epochs"). Three
 * arrays, each holding the three (W_x., W_h., b_.) sets of the GRU equations side by side in the
 * column order reset gate, update gate, candidate state:
 * <pre>
 *   W  = [W_xr | W_xz | W_xh]   n x 3h   (key "W")
 *   RW = [W_hr | W_hz | W_hh]   h x 3h   (key "RW")
 *   b  = [b_r  | b_z  | b_h ]   1 x 3h   (key "b")
 * </pre>
 * in that order in the flat vector, the matrices column-major ('f'), so every gate's block is
 * contiguous: 3 (n h + h h + h) parameters, the chapter's formula with g = 3. The keys are DL4J's
 * usual ones for recurrent layers, so weight and bias regularisation, updaters and constraints treat
 * them as they treat an {@code LSTM}'s.
 * <p>
 * With layer normalisation ({@link GRU#isLayerNorm()}) two gain vectors follow, in the same column
 * order, 6h more parameters:
 * <pre>
 *   gW  = [g_xr | g_xz | g_xh]   1 x 3h   (key "gW": gains of the normalised input products)
 *   gRW = [g_hr | g_hz | g_hh]   1 x 3h   (key "gRW": gains of the normalised recurrent products)
 * </pre>
 * They are neither weights nor biases to DL4J, so weight and bias regularisation leave them alone.
 * <p>
 * Initialisation: each gate's n x h input block and h x h recurrent block are drawn by the layer's
 * weight initialisation with the fan-in and fan-out of one block (the recurrent blocks by
 * {@code weightInitRecurrent} when set); the biases get the layer's bias init (0 by default, as in d2l) and the gains 1. The gains take
 * no random numbers, so with the same seed a layer-normalised GRU starts from the same W, RW and b as
 * a plain one.
 */
public final class GRUParamInitializer implements ParamInitializer {
    /** Input weights [W_xr | W_xz | W_xh], n x 3h. */
    public static final String INPUT_WEIGHT_KEY = DefaultParamInitializer.WEIGHT_KEY;
    /** Recurrent weights [W_hr | W_hz | W_hh], h x 3h. */
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    /** Biases [b_r | b_z | b_h], 1 x 3h. */
    public static final String BIAS_KEY = DefaultParamInitializer.BIAS_KEY;
    /** Gains of the layer-normalised input products [g_xr | g_xz | g_xh], 1 x 3h (layer normalisation only). */
    public static final String INPUT_GAIN_KEY = "gW";
    /** Gains of the layer-normalised recurrent products [g_hr | g_hz | g_hh], 1 x 3h (layer normalisation only). */
    public static final String RECURRENT_GAIN_KEY = "gRW";
    /** Number of (W_x., W_h., b_.) sets: reset gate, update gate, candidate state. */
    public static final int BLOCKS = 3;

    private static final GRUParamInitializer INSTANCE = new GRUParamInitializer();
    private static final List<String> PARAM_KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY);
    private static final List<String> NORMALISED_PARAM_KEYS =
            List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY, INPUT_GAIN_KEY, RECURRENT_GAIN_KEY);
    private static final List<String> WEIGHT_KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY);
    private static final List<String> BIAS_KEYS = Collections.singletonList(BIAS_KEY);

    private GRUParamInitializer() {
    }

    public static GRUParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        GRU gru = gru(layer);
        long n = gru.getNIn();
        long h = gru.getNOut();
        return BLOCKS * (n * h + h * h + h) + (gru.isLayerNorm() ? 2 * BLOCKS * h : 0);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return gru(layer).isLayerNorm() ? NORMALISED_PARAM_KEYS : PARAM_KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return WEIGHT_KEYS;
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return BIAS_KEYS;
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return INPUT_WEIGHT_KEY.equals(key) || RECURRENT_WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        GRU gru = gru(conf.getLayer());
        Map<String, INDArray> params = views(conf, paramsView, "parameter");
        if (initializeParams) {
            long n = gru.getNIn();
            long h = gru.getNOut();
            IWeightInit inputInit = gru.getWeightInitFn();
            if (inputInit == null) {
                throw new IllegalStateException("The GRU layer " + name(gru) + " has no weight initialisation: build it "
                        + "inside a NeuralNetConfiguration (which supplies the default) or set weightInit(...)");
            }
            IWeightInit recurrentInit = gru.getWeightInitFnRecurrent() != null ? gru.getWeightInitFnRecurrent() : inputInit;
            INDArray w = params.get(INPUT_WEIGHT_KEY);
            INDArray rw = params.get(RECURRENT_WEIGHT_KEY);
            for (int k = 0; k < BLOCKS; k++) {
                INDArray wBlock = w.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h));
                INDArray rwBlock = rw.get(NDArrayIndex.all(), NDArrayIndex.interval(k * h, (k + 1) * h));
                // the init fills the view it is given in place: one gate's contiguous column block
                inputInit.init(n, h, new long[]{n, h}, 'f', wBlock);
                recurrentInit.init(h, h, new long[]{h, h}, 'f', rwBlock);
            }
            double biasInit = Double.isNaN(gru.getBiasInit()) ? 0.0 : gru.getBiasInit();
            params.get(BIAS_KEY).assign(biasInit);
            if (gru.isLayerNorm()) {
                params.get(INPUT_GAIN_KEY).assign(1.0);
                params.get(RECURRENT_GAIN_KEY).assign(1.0);
            }
        }
        for (String key : params.keySet()) {
            conf.addVariable(key);
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf, gradientView, "gradient");
    }

    /** W, RW, b (and the gains) as views of {@code flat}, which must hold exactly this layer's parameters. */
    private Map<String, INDArray> views(NeuralNetConfiguration conf, INDArray flat, String what) {
        GRU gru = gru(conf.getLayer());
        long n = gru.getNIn();
        long h = gru.getNOut();
        long expected = numParams(gru);
        if (flat.length() != expected) {
            throw new IllegalStateException("The GRU layer " + name(gru) + " with nIn " + n + " and nOut " + h + " needs a "
                    + what + " view of length " + expected + " = 3 (n h + h h + h)" + (gru.isLayerNorm() ? " + 6 h" : "")
                    + ", got " + flat.length());
        }
        INDArray v = flat.reshape(flat.length());
        long wEnd = n * BLOCKS * h;
        long rwEnd = wEnd + h * BLOCKS * h;
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(INPUT_WEIGHT_KEY, v.get(NDArrayIndex.interval(0, wEnd)).reshape('f', n, BLOCKS * h));
        m.put(RECURRENT_WEIGHT_KEY, v.get(NDArrayIndex.interval(wEnd, rwEnd)).reshape('f', h, BLOCKS * h));
        long bEnd = rwEnd + BLOCKS * h;
        m.put(BIAS_KEY, v.get(NDArrayIndex.interval(rwEnd, bEnd)).reshape('f', 1, BLOCKS * h));
        if (gru.isLayerNorm()) {
            m.put(INPUT_GAIN_KEY, v.get(NDArrayIndex.interval(bEnd, bEnd + BLOCKS * h)).reshape('f', 1, BLOCKS * h));
            m.put(RECURRENT_GAIN_KEY, v.get(NDArrayIndex.interval(bEnd + BLOCKS * h, expected)).reshape('f', 1, BLOCKS * h));
        }
        return m;
    }

    private static GRU gru(Layer layer) {
        if (!(layer instanceof GRU gru)) {
            throw new IllegalArgumentException("GRUParamInitializer only lays out GRU layers, got "
                    + (layer == null ? "null" : layer.getClass().getName()));
        }
        return gru;
    }

    private static String name(GRU gru) {
        return gru.getLayerName() == null ? "(unnamed)" : "\"" + gru.getLayerName() + "\"";
    }
}
