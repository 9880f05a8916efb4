package org.deeprnn.generate;

import org.deeprnn.text.OneHot;
import org.deeprnn.text.Vocab;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Continues a text with a trained character model (section "Prediction"): the prefix warms up
 * the hidden state one character at a time through {@code rnnTimeStep}, then every next character
 * is the most likely one (greedy decoding, so the same network always writes the same text).
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

    /** The prefix followed by {@code numChars} generated characters. */
    public String predict(String prefix, int numChars) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("The prefix must hold at least one character to start from");
        }
        if (numChars < 0) {
            throw new IllegalArgumentException("numChars must be zero or more, got " + numChars);
        }
        int[] tokens = encodePrefix(prefix);
        net.rnnClearPreviousState();
        INDArray out = null;
        for (int token : tokens) {
            out = step(token);
        }
        StringBuilder text = new StringBuilder(prefix);
        for (int i = 0; i < numChars; i++) {
            int next = out.argMax(1).getInt(0);
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
