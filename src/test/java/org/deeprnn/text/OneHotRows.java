package org.deeprnn.text;

import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helper: reads a one-hot minibatch back into token indices and checks that it is one-hot. */
final class OneHotRows {
    private OneHotRows() {
    }

    /** tokens[row][step] of a [batch, vocab, steps] array, asserting exactly one 1 per (row, step). */
    static int[][] tokens(INDArray oneHot) {
        int rows = (int) oneHot.size(0);
        int vocab = (int) oneHot.size(1);
        int steps = (int) oneHot.size(2);
        float[] flat = oneHot.dup('c').data().asFloat();
        int[][] tokens = new int[rows][steps];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                int hot = -1;
                float sum = 0;
                for (int v = 0; v < vocab; v++) {
                    float x = flat[(r * vocab + v) * steps + t];
                    sum += x;
                    if (x == 1f) {
                        hot = v;
                    } else {
                        assertEquals(0f, x, "entry (" + r + ", " + v + ", " + t + ") is neither 0 nor 1");
                    }
                }
                assertEquals(1f, sum, "row " + r + ", step " + t + " does not sum to one");
                tokens[r][t] = hot;
            }
        }
        return tokens;
    }

    /** 0, 1, ..., n-1: with a vocabulary of n, every token is its own position. */
    static int[] positions(int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i;
        }
        return tokens;
    }

    /** Hands out the rest of the current epoch and plans the next one. */
    static void nextEpoch(SequenceIterator it) {
        while (it.hasNext()) {
            it.next();
        }
        it.reset();
    }
}
