package org.deeprnn.engine.onednn;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything the engine needs for batches of one shape (n sequences of t steps): the time-major input
 * and labels, one {@link RecurrentStage} per layer wired to its neighbours (through {@link DropoutMasks} where a
 * layer drops its input), and the {@link OutputStage}.
 * Row r = s n + i of every [t n, *] array is sequence i at step s (oneDNN's {@code tnc}).
 */
final class Plan {
    final int n, t;
    final INDArray input, labels;
    final RecurrentStage[] stages;
    final OutputStage output;
    final DropoutMasks dropout;
    private final TimeMajor inputCopy, labelCopy;

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
        dropout = new DropoutMasks(net.retain, n, t, x, dx);
        stages = new RecurrentStage[layers];
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? net.nIn : net.hidden[l - 1];
            stages[l] = new RecurrentStage(net.cells[l], in, net.hidden[l], n, t, dropout.input(l), x[l + 1],
                    dropout.inputGradient(l), dx[l + 1]);
        }
        inputCopy = new TimeMajor(input, n, net.nIn, t);
        labelCopy = new TimeMajor(labels, n, net.nOut, t);
        output = new OutputStage(m, net.hidden[layers - 1], net.nOut, net.mse, net.clipEps, x[layers], dx[layers], labels);
    }

    /** Copies a batch's features and labels ([n, width, t], DL4J's layout) into the time-major input and labels. */
    void load(INDArray features, INDArray labelArray) {
        inputCopy.copy(features);
        labelCopy.copy(labelArray);
    }

    /**
     * Copies [n, width, t] arrays into one [t n, width] row-major array: a oneDNN reorder from the
     * batch's own strides when it is a row-major FLOAT array (the iterators' arrays are), ND4J otherwise.
     */
    private static final class TimeMajor {
        private final INDArray target;
        private final int n, width, t;
        private final memory source, destination;
        private final reorder copy;

        TimeMajor(INDArray target, int n, int width, int t) {
            this.target = target;
            this.n = n;
            this.width = width;
            this.t = t;
            memory.desc from = new memory.desc(new long[]{t, n, width}, memory.data_type.f32, new long[]{1, (long) width * t, t});
            memory.desc to = OneDnn.desc(memory.format_tag.tnc, t, n, width);
            source = OneDnn.owned(from);
            destination = OneDnn.over(to, target);
            copy = new reorder(source, destination);
        }

        void copy(INDArray batch) {
            boolean rowMajor = batch.dataType() == DataType.FLOAT && batch.ordering() == 'c' && batch.stride(2) == 1
                    && batch.stride(1) == t && batch.stride(0) == (long) width * t;
            if (!rowMajor) {
                target.reshape('c', t, n, width).assign(batch.permute(2, 0, 1));
                return;
            }
            source.set_data_handle(OneDnn.floats(batch));
            copy.execute(OneDnn.stream(), source, destination);
        }
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
