package org.deeprnn.engine.onednn;

import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Where one training iteration of the chapter's LSTM (2 x LSTM(256), batch 32 x 35, vocabulary 28) goes on the
 * oneDNN engine, on one thread: each piece of {@code Shards.run} timed on its own for one slice of the whole batch
 * and for one slice of half of it (what each of the default's two threads computes), and the Trainer's full step
 * beside it, interleaved; the Trainer's share (loss scaling, global-norm clipping, the updater) is the step minus
 * the engine's pieces. Medians over iterations. Not part of the test suite:
 * {@code java -cp ... org.deeprnn.engine.onednn.OneDnnProfile [iterations]}.
 */
public final class OneDnnProfile {
    private OneDnnProfile() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        MultiLayerNetwork net = network(), stepped = network();
        Topology topology = new Topology(org.deeprnn.engine.NetworkReading.of(net), net);
        Trainer.Steps steps = Trainer.builder().learningRate(1.0).clipGlobalNorm(1.0).progress(null)
                .batchGradient(() -> OneDnnGradient.sliced(1, 1, 1)).build().stepwise(stepped);
        for (int n : new int[]{32, 16}) {
            DataSet batch = batch(n, 35, 28);
            Plan plan = OneDnn.withThreads(1, () -> new Plan(topology, n, 35));
            Map<String, double[]> ms = new LinkedHashMap<>();
            for (int i = 0; i < iterations + 3; i++) {
                Map<String, Double> one = OneDnn.withThreads(1, () -> pieces(net, plan, topology.gradients, batch));
                long t0 = System.nanoTime();
                if (n == 32) {
                    steps.step(batch);
                }
                one.put("Trainer's full step (gradient, clipping, update)", n == 32 ? (System.nanoTime() - t0) / 1e6 : Double.NaN);
                if (i >= 3) {
                    final int k = i - 3;
                    one.forEach((name, v) -> ms.computeIfAbsent(name, x -> new double[iterations])[k] = v);
                }
            }
            System.out.printf(Locale.ROOT, "== one slice of %d sequences x 35 steps, oneDNN on 1 thread: median ms per iteration over %d%n", n, iterations);
            double sum = 0;
            for (Map.Entry<String, double[]> e : ms.entrySet()) {
                double m = median(e.getValue());
                if (e.getKey().startsWith("Trainer")) {
                    if (!Double.isNaN(m)) {
                        System.out.printf(Locale.ROOT, "   %-62s %8.2f%n", "sum of the engine's pieces", sum);
                        System.out.printf(Locale.ROOT, "   %-62s %8.2f%n", e.getKey(), m);
                        System.out.printf(Locale.ROOT, "   %-62s %8.2f%n", "  of which outside the engine (step - pieces)", m - sum);
                    }
                } else {
                    sum += m;
                    System.out.printf(Locale.ROOT, "   %-62s %8.2f%n", e.getKey(), m);
                }
            }
        }
        steps.close();
    }

    /** One training batch on {@code plan}, piece by piece, as {@code Shards.run} does it; milliseconds per piece. */
    private static Map<String, Double> pieces(MultiLayerNetwork net, Plan plan, INDArray[][] g, DataSet batch) {
        Map<String, Double> out = new LinkedHashMap<>();
        RecurrentStage[] stages = plan.stages;
        int top = stages.length;
        Layer o = net.getLayer(top);
        INDArray w = o.getParam("W"), b = o.getParam("b");
        long t = System.nanoTime();
        plan.load(batch.getFeatures(), batch.getLabels());
        t = lap(out, "copy batch to time-major (reorder)", t);
        for (int l = 0; l < top; l++) {
            Layer layer = net.getLayer(l);
            stages[l].loadWeights(layer.getParam("W"), layer.getParam("RW"), layer.getParam("b"));
            t = lap(out, "layer " + l + ": weights to oneDNN's layouts (copy, 4 reorders)", t);
            stages[l].forward();
            t = lap(out, "layer " + l + ": forward primitive", t);
        }
        plan.output.forward(w, b);
        t = lap(out, "output: logits matmul, softmax, log-softmax", t);
        plan.output.loss();
        t = lap(out, "output: loss (Java loop over log-probabilities)", t);
        plan.output.backward(w, g[top][0], g[top][1]);
        t = lap(out, "output: p - labels, 3 sgemm (dW, db, dH)", t);
        for (int l = top - 1; l >= 0; l--) {
            stages[l].backward();
            t = lap(out, "layer " + l + ": backward primitive (+ zeroing, 2 reorders back)", t);
            stages[l].storeGradients(g[l][0], g[l][1], g[l][2]);
            t = lap(out, "layer " + l + ": gradients to DL4J's views (copies)", t);
        }
        return out;
    }

    private static long lap(Map<String, Double> out, String name, long since) {
        long now = System.nanoTime();
        out.put(name, (now - since) / 1e6);
        return now;
    }

    private static MultiLayerNetwork network() {
        return new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(256).vocabSize(28).seed(42)
                .updater(new Sgd(1.0)).dataType(DataType.FLOAT).network();
    }

    private static DataSet batch(int n, int t, int v) {
        Random r = new Random(3);
        float[] x = new float[n * v * t], y = new float[n * v * t];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                x[(i * v + r.nextInt(v)) * t + s] = 1f;
                y[(i * v + r.nextInt(v)) * t + s] = 1f;
            }
        }
        return new DataSet(Nd4j.create(x, new long[]{n, v, t}, 'c'), Nd4j.create(y, new long[]{n, v, t}, 'c'));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
