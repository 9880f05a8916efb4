package org.deeprnn.bench;

import org.deeprnn.model.CellType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One benchmarked model and minibatch shape: {@code layers} recurrent layers of {@code cell} with
 * {@code hidden} units each, one-hot input and softmax output over {@code vocab} symbols, minibatches of
 * {@code batch} sequences of {@code steps} steps.
 */
record Workload(CellType cell, int layers, int hidden, int batch, int steps, int vocab) {

    /** The chapter's two headline workloads (issue 12): the older edition's LSTM and notebook 5's GRU. */
    static List<Workload> chapter() {
        return List.of(new Workload(CellType.LSTM, 2, 256, 32, 35, 28), new Workload(CellType.GRU, 2, 32, 1024, 32, 28));
    }

    /** Short name of the cell, as on the command line and for the peer: rnn, lstm, gru. */
    String cellName() {
        return switch (cell) {
            case SIMPLE_RNN -> "rnn";
            case LSTM -> "lstm";
            case GRU -> "gru";
        };
    }

    /** The shape without the cell and depth, for the table: hidden size, batch x steps. */
    String shape() {
        return String.format(Locale.ROOT, "H%d B%dxT%d V%d", hidden, batch, steps, vocab);
    }

    String describe() {
        return String.format(Locale.ROOT, "%s L=%d, %d hidden units, batch %d x %d steps, vocabulary %d",
                cell, layers, hidden, batch, steps, vocab);
    }

    long tokens() {
        return (long) batch * steps;
    }

    /** A single-precision matrix product C[m x n] = op(A) op(B) with inner size k, done {@code count} times per iteration. */
    record Product(String name, int m, int n, int k, boolean transA, boolean transB, long count) {
        double flop() {
            return 2.0 * m * n * k;
        }

        boolean sameShape(Product o) {
            return m == o.m && n == o.n && k == o.k && transA == o.transA && transB == o.transB;
        }
    }

    /**
     * The matrix products of one training iteration (forward and backward): per layer and step the
     * recurrent product forward ({@code H_t-1 RW}) and backward ({@code dZ_t RW^T}); per layer over the
     * whole sequence the input projection ({@code X W}), both weight gradients ({@code X^T dZ},
     * {@code H^T dZ}) and, above the first layer, the gradient to the layer below ({@code dZ W^T}); the
     * output layer's product and its two backward products. Gate blocks are one product of width
     * g h (g = {@link CellType#weightBlocks()}), the fastest way to do them.
     */
    List<Product> products() {
        int n = batch * steps, h = hidden, gh = cell.weightBlocks() * hidden;
        List<Product> out = new ArrayList<>();
        out.add(new Product("step: H RW", batch, gh, h, false, false, (long) steps * layers));
        out.add(new Product("step: dZ RW^T", batch, h, gh, false, true, (long) steps * layers));
        out.add(new Product("seq: X W (layer 1)", n, gh, vocab, false, false, 1));
        out.add(new Product("seq: X^T dZ (layer 1)", vocab, gh, n, true, false, 1));
        out.add(new Product("seq: H^T dZ", h, gh, n, true, false, layers));
        if (layers > 1) {
            out.add(new Product("seq: X W", n, gh, h, false, false, layers - 1));
            out.add(new Product("seq: X^T dZ", h, gh, n, true, false, layers - 1));
            out.add(new Product("seq: dZ W^T", n, h, gh, false, true, layers - 1));
        }
        out.add(new Product("out: H Wo", n, vocab, h, false, false, 1));
        out.add(new Product("out: H^T dY", h, vocab, n, true, false, 1));
        out.add(new Product("out: dY Wo^T", n, h, vocab, false, true, 1));
        return out;
    }

    /** Floating-point operations of one iteration's matrix products. */
    double flop() {
        return products().stream().mapToDouble(p -> p.flop() * p.count()).sum();
    }

    /** {@code count} random one-hot minibatches (inputs and labels), NCW as DL4J's recurrent layers take them. */
    List<DataSet> batches(int count, long seed) {
        Random r = new Random(seed);
        List<DataSet> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            float[] x = new float[batch * vocab * steps], y = new float[batch * vocab * steps];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    x[(b * vocab + r.nextInt(vocab)) * steps + t] = 1f;
                    y[(b * vocab + r.nextInt(vocab)) * steps + t] = 1f;
                }
            }
            out.add(new DataSet(Nd4j.create(x, new long[]{batch, vocab, steps}, 'c'),
                    Nd4j.create(y, new long[]{batch, vocab, steps}, 'c')));
        }
        return out;
    }
}
