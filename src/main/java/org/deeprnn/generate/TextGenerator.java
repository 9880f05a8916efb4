package org.deeprnn.generate;

import org.deeprnn.check.Require;
import org.deeprnn.model.FiniteWeights;
import org.deeprnn.text.OneHot;
import org.deeprnn.text.Vocab;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Continues a text with a trained character model (notebook 3, "What the model writes"): the prefix warms up
 * the hidden state one character at a time through {@code rnnTimeStep}, then every next character
 * is the most likely one ({@link #predict}, greedy decoding) or drawn from the softmax at a
 * temperature ({@link #sample}, reproducible through its seeded {@code Random}).
 */
public final class TextGenerator {
    private final MultiLayerNetwork net;
    private final Vocab vocab;
    private final DataType dataType;

    public TextGenerator(MultiLayerNetwork net, Vocab vocab) {
        this.net = Objects.requireNonNull(net, "net");
        this.vocab = Objects.requireNonNull(vocab, "vocab");
        long outputs = net.layerSize(net.getnLayers() - 1);
        if (outputs != vocab.size()) {
            throw new IllegalArgumentException("The network predicts " + outputs + " classes but the vocabulary has "
                    + vocab.size() + " tokens: use the Vocab the network was trained with");
        }
        this.dataType = net.params().dataType();
    }

    /** The prefix followed by {@code numChars} generated characters, each the most likely one. */
    public String predict(String prefix, int numChars) {
        return generate(prefix, numChars, out -> out.argMax(1).getInt(0));
    }

    /**
     * The prefix followed by {@code numChars} characters, each drawn from softmax(logits / temperature):
     * below 1 the likely characters gain, above 1 the distribution flattens. The same {@code random}
     * seed gives the same text.
     *
     * @throws IllegalArgumentException if the temperature is not a positive finite number
     */
    public String sample(String prefix, int numChars, double temperature, Random random) {
        checkTemperature(temperature);
        Objects.requireNonNull(random, "random");
        return generate(prefix, numChars, out -> draw(atTemperature(out.toDoubleVector(), temperature), random));
    }

    /**
     * softmax(log(p) / temperature) for the network's softmax output p, that is softmax(logits / temperature)
     * (the log of a softmax differs from the logits by a constant, which the softmax cancels).
     *
     * @throws IllegalArgumentException if the temperature is not a positive finite number, or p is empty or
     *         holds a negative or non-finite value
     */
    public static double[] atTemperature(double[] probabilities, double temperature) {
        checkTemperature(temperature);
        if (probabilities == null || probabilities.length == 0) {
            throw new IllegalArgumentException("No probabilities to rescale");
        }
        double[] logits = new double[probabilities.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            double p = probabilities[i];
            if (!(p >= 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("Probability " + i + " is " + p + ": expected a softmax output");
            }
            logits[i] = Math.log(p) / temperature;
            max = Math.max(max, logits[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("Every probability is 0: expected a softmax output");
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.exp(logits[i] - max);   // the largest term is 1, so nothing overflows
            sum += logits[i];
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= sum;
        }
        return logits;
    }

    private static void checkTemperature(double temperature) {
        Require.positiveFinite("The temperature", temperature, "for greedy decoding (the limit of temperature -> 0) call predict");
    }

    /** An index drawn with the given probabilities (summing to 1). */
    static int draw(double[] distribution, Random random) {
        double u = random.nextDouble(), cumulative = 0;
        for (int i = 0; i < distribution.length; i++) {
            cumulative += distribution[i];
            if (u < cumulative) {
                return i;
            }
        }
        for (int i = distribution.length - 1; ; i--) {   // rounding left u above the total: the last possible index
            if (distribution[i] > 0) {
                return i;
            }
        }
    }

    private String generate(String prefix, int numChars, java.util.function.ToIntFunction<INDArray> choose) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("The prefix must hold at least one character to start from");
        }
        if (numChars < 0) {
            throw new IllegalArgumentException("numChars must be zero or more, got " + numChars);
        }
        int[] tokens = encodePrefix(prefix);
        FiniteWeights.require(net, "generate text");
        net.rnnClearPreviousState();
        INDArray out = null;
        for (int token : tokens) {
            out = step(token);
        }
        StringBuilder text = new StringBuilder(prefix);
        for (int i = 0; i < numChars; i++) {
            int next = choose.applyAsInt(out);
            text.append(vocab.tokenAt(next));
            out = step(next);
        }
        net.rnnClearPreviousState();
        return text.toString();
    }

    private INDArray step(int token) {
        INDArray probs = net.rnnTimeStep(OneHot.encodeToken(token, vocab.size(), dataType));
        return probs.rank() == 3 ? probs.reshape(probs.size(0), probs.size(1)) : probs;
    }

    private int[] encodePrefix(String prefix) {
        int[] tokens = new int[prefix.length()];
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < prefix.length(); i++) {
            String c = String.valueOf(prefix.charAt(i));
            if (!vocab.contains(c) || vocab.indexOf(c) == vocab.unkIndex()) {
                unknown.add("'" + c + "' at position " + i);
            }
            tokens[i] = vocab.indexOf(c);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("The prefix \"" + prefix + "\" has characters the vocabulary does not know: "
                    + String.join(", ", unknown) + ". The model knows " + vocab.tokens()
                    + "; write the prefix the way the corpus was preprocessed (lower case letters and spaces)");
        }
        return tokens;
    }
}
