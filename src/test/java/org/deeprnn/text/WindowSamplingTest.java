package org.deeprnn.text;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowSamplingTest {
    private static final int N = 60;
    private static final int STEPS = 4;
    private static final int BATCH = 8;

    private static WindowSampling.Split split(long seed) {
        return WindowSampling.split(OneHotRows.positions(N), N, BATCH, STEPS, 20, 10, seed, DataType.FLOAT);
    }

    /** Window starts of one epoch, batch by batch, read from the features themselves. */
    private static List<List<Integer>> epoch(WindowSampling it) {
        it.reset();
        List<List<Integer>> batches = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            int rows = (int) ds.getFeatures().size(0);
            assertArrayEquals(new long[]{rows, N, STEPS}, ds.getFeatures().shape());
            int[][] x = OneHotRows.tokens(ds.getFeatures());
            int[][] y = OneHotRows.tokens(ds.getLabels());
            List<Integer> starts = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < STEPS; t++) {
                    assertEquals(x[r][0] + t, x[r][t]);
                    assertEquals(x[r][t] + 1, y[r][t]);
                }
                starts.add(x[r][0]);
            }
            batches.add(starts);
        }
        return batches;
    }

    private static List<Integer> flat(List<List<Integer>> batches) {
        return batches.stream().flatMap(List::stream).collect(Collectors.toList());
    }

    @Test
    void trainingUsesTheFirstWindowsShuffledWithASmallerLastBatch() {
        WindowSampling train = split(1).train();
        assertFalse(train.carriesStateAcrossBatches());
        List<List<Integer>> batches = epoch(train);
        assertEquals(List.of(8, 8, 4), batches.stream().map(List::size).collect(Collectors.toList()));
        List<Integer> starts = flat(batches);
        List<Integer> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        assertEquals(IntStream.range(0, 20).boxed().collect(Collectors.toList()), sorted);
        assertNotEquals(sorted, starts, "training windows should come shuffled");
    }

    @Test
    void validationUsesTheNextWindowsInOrderEveryEpoch() {
        WindowSampling validation = split(1).validation();
        assertFalse(validation.shuffles());
        assertEquals(20, validation.firstStart());
        assertEquals(10, validation.windowCount());
        List<List<Integer>> first = epoch(validation);
        assertEquals(List.of(IntStream.range(20, 28).boxed().collect(Collectors.toList()), List.of(28, 29)), first);
        assertEquals(first, epoch(validation));
    }

    @Test
    void trainingOrderChangesEveryEpochAndTheSameSeedReproducesIt() {
        WindowSampling a = split(5).train();
        WindowSampling b = split(5).train();
        List<Integer> epochA1 = flat(epoch(a));
        List<Integer> epochA2 = flat(epoch(a));
        assertNotEquals(epochA1, epochA2);
        assertEquals(epochA1, flat(epoch(b)));
        assertEquals(epochA2, flat(epoch(b)));
    }

    @Test
    void windowsMayUseTheWholeCorpusButNoMore() {
        WindowSampling.Split exact = WindowSampling.split(OneHotRows.positions(N), N, BATCH, STEPS, 40, N - STEPS - 40,
                0, DataType.FLOAT);
        List<Integer> last = flat(epoch(exact.validation()));
        assertEquals(N - STEPS - 1, last.get(last.size() - 1), "the last window ends on the last token");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WindowSampling.split(
                OneHotRows.positions(N), N, BATCH, STEPS, 40, N - STEPS - 39, 0, DataType.FLOAT));
        assertTrue(e.getMessage().contains("has " + (N - STEPS) + " windows")
                && e.getMessage().contains("numTrain + numVal = " + (N - STEPS + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WindowSampling.split(
                OneHotRows.positions(N), N, BATCH, N, 1, 1, 0, DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> WindowSampling.split(
                OneHotRows.positions(N), N, BATCH, STEPS, 0, 5, 0, DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> WindowSampling.split(
                OneHotRows.positions(N), N, BATCH, STEPS, 5, 0, 0, DataType.FLOAT));
    }
}
