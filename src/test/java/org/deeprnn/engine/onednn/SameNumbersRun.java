package org.deeprnn.engine.onednn;

import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The trainings {@link SameNumbersTest} repeats at several thread counts: a 2-layer LSTM with dropout and a 2-layer
 * GRU, seeded, on fixed random one-hot batches of an odd size (uneven slices), through {@code Trainer.d2l}. As a
 * main it trains with the Trainer's default engine and writes both networks' parameters as raw floats to the file
 * named by its argument (the test runs it under {@code taskset -c 0}: one core).
 */
final class SameNumbersRun {
    static final int VOCAB = 11, BATCH = 9, STEPS = 7;

    private SameNumbersRun() {
    }

    /** The parameters of both trainings, in order, each trained on an engine from {@code engine} (null: the Trainer's choice). */
    static float[] train(Supplier<org.deeprnn.engine.BatchGradient> engine) {
        List<Float> all = new ArrayList<>();
        for (CellType cell : List.of(CellType.LSTM, CellType.GRU)) {
            DeepRnnBuilder b = new DeepRnnBuilder().cell(cell).layers(2).hiddenUnits(12).vocabSize(VOCAB).seed(17).dataType(DataType.FLOAT);
            MultiLayerNetwork net = (cell == CellType.LSTM ? b.dropout(0.2) : b).network();
            Nd4j.getRandom().setSeed(23);
            Trainer.Builder trainer = Trainer.d2l(3).progress(null);
            if (engine != null) {
                trainer.batchGradient(engine);
            }
            trainer.build().fit(net, batches());
            for (float v : net.params().toFloatVector()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static DataSetIterator batches() {
        Random r = new Random(31);
        List<DataSet> list = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            float[] x = new float[BATCH * VOCAB * STEPS], y = new float[BATCH * VOCAB * STEPS];
            for (int i = 0; i < BATCH; i++) {
                for (int t = 0; t < STEPS; t++) {
                    x[(i * VOCAB + r.nextInt(VOCAB)) * STEPS + t] = 1f;
                    y[(i * VOCAB + r.nextInt(VOCAB)) * STEPS + t] = 1f;
                }
            }
            list.add(new DataSet(Nd4j.create(x, new long[]{BATCH, VOCAB, STEPS}, 'c'), Nd4j.create(y, new long[]{BATCH, VOCAB, STEPS}, 'c')));
        }
        return new ListDataSetIterator<>(list, 1);
    }

    public static void main(String[] args) throws IOException {
        float[] params = train(null);
        ByteBuffer bytes = ByteBuffer.allocate(params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(params);
        Files.write(Path.of(args[0]), bytes.array());
    }
}
