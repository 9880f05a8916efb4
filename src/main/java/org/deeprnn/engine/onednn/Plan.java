package org.deeprnn.engine.onednn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything the engine needs for batches of one shape (n sequences of t steps): the time-major input
 * and labels, one {@link RecurrentStage} per layer wired to its neighbours, and the {@link OutputStage}.
 * Row r = s n + i of every [t n, *] array is sequence i at step s (oneDNN's {@code tnc}).
 */
final class Plan {
    final int n, t;
    final INDArray input, labels;
    final RecurrentStage[] stages;
    final OutputStage output;

    Plan(Topology net, int n, int t) {
        this.n = n;
        this.t = t;
        int m = n * t, layers = net.cells.length;
        INDArray[] x = new INDArray[layers + 1], dx = new INDArray[layers + 1];
        for (int l = 0; l <= layers; l++) {
            long width = l == 0 ? net.nIn : net.hidden[l - 1];
            x[l] = Nd4j.create(DataType.FLOAT, new long[]{m, width}, 'c');
            dx[l] = Nd4j.create(DataType.FLOAT, new long[]{m, width}, 'c');
        }
        input = x[0];
        labels = Nd4j.create(DataType.FLOAT, new long[]{m, net.nOut}, 'c');
        stages = new RecurrentStage[layers];
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? net.nIn : net.hidden[l - 1];
            stages[l] = new RecurrentStage(net.cells[l], in, net.hidden[l], n, t, x[l], x[l + 1], dx[l], dx[l + 1]);
        }
        output = new OutputStage(m, net.hidden[layers - 1], net.nOut, net.mse, net.clipEps, x[layers], dx[layers]);
    }

    /** Copies the carried state of {@code other} (same n, any t) into this plan's stages. */
    void takeStateFrom(Plan other) {
        for (int l = 0; l < stages.length; l++) {
            INDArray[] mine = stages[l].startState(), theirs = other.stages[l].startState();
            for (int i = 0; i < mine.length; i++) {
                mine[i].assign(theirs[i]);
            }
        }
    }

    void clearState() {
        for (RecurrentStage s : stages) {
            s.clearState();
        }
    }
}
