package org.deeprnn.text;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One-hot encoding of token indices in DL4J's recurrent layout [batch, vocab, steps]
 * (notebook 3, "The data": every minibatch and every generated character goes through it).
 */
public final class OneHot {
    private OneHot() {
    }

    /**
     * Encodes {@code numSteps} consecutive tokens of {@code corpus} for every start position.
     *
     * @return array of shape [starts.length, vocabSize, numSteps] with a single 1 per (row, step)
     */
    public static INDArray encode(int[] corpus, int[] starts, int numSteps, int vocabSize, DataType type) {
        float[] values = new float[starts.length * vocabSize * numSteps];
        for (int row = 0; row < starts.length; row++) {
            for (int t = 0; t < numSteps; t++) {
                int token = corpus[starts[row] + t];
                if (token < 0 || token >= vocabSize) {
                    throw new IllegalArgumentException("Token index " + token + " at corpus position "
                            + (starts[row] + t) + " is outside the vocabulary of size " + vocabSize);
                }
                values[(row * vocabSize + token) * numSteps + t] = 1f;
            }
        }
        return Nd4j.create(values, new long[]{starts.length, vocabSize, numSteps}, 'c').castTo(type);
    }

    /** A single token as a [1, vocab, 1] input, as {@code rnnTimeStep} takes it. */
    public static INDArray encodeToken(int token, int vocabSize, DataType type) {
        return encode(new int[]{token}, new int[]{0}, 1, vocabSize, type);
    }
}
