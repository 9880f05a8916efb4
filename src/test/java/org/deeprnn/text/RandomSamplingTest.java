package org.deeprnn.text;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomSamplingTest {
    private static final int N = 103;
    private static final int BATCH = 3;
    private static final int STEPS = 5;

    private static RandomSampling sampler(long seed) {
        return new RandomSampling(OneHotRows.positions(N), N, BATCH, STEPS, seed);
    }

    @Test
    void featuresAreConsecutiveTokensAndLabelsTheNextOnes() {
        RandomSampling it = sampler(1);
        assertFalse(it.carriesStateAcrossBatches());
        int batch = 0;
        while (it.hasNext()) {
            int[] starts = it.startsOfBatch(batch++);
            DataSet ds = it.next();
            assertArrayEquals(new long[]{BATCH, N, STEPS}, ds.getFeatures().shape());
            assertArrayEquals(new long[]{BATCH, N, STEPS}, ds.getLabels().shape());
            int[][] x = OneHotRows.tokens(ds.getFeatures());
            int[][] y = OneHotRows.tokens(ds.getLabels());
            for (int r = 0; r < BATCH; r++) {
                for (int t = 0; t < STEPS; t++) {
                    assertEquals(starts[r] + t, x[r][t]);
                    assertEquals(x[r][t] + 1, y[r][t]);
                }
            }
        }
        assertEquals(it.batchesPerEpoch(), batch);
    }

    @Test
    void everyEpochUsesNonOverlappingPiecesAlignedToItsOffset() {
        RandomSampling it = sampler(2);
        for (int epoch = 0; epoch < 30; epoch++) {
            it.reset();
            int offset = it.offset();
            assertTrue(offset >= 0 && offset < STEPS, "offset " + offset);
            int pieces = (N - offset - 1) / STEPS;
            assertEquals(pieces / BATCH, it.batchesPerEpoch());
            boolean[] used = new boolean[N];
            Set<Integer> starts = new HashSet<>();
            for (int b = 0; b < it.batchesPerEpoch(); b++) {
                for (int s : it.startsOfBatch(b)) {
                    assertEquals(0, (s - offset) % STEPS, "start " + s + " is not on the grid of offset " + offset);
                    assertTrue(s >= offset && s + STEPS < N, "piece at " + s + " plus its label leaves the corpus");
                    starts.add(s);
                    for (int t = s; t < s + STEPS; t++) {
                        assertFalse(used[t], "position " + t + " is used twice in epoch " + epoch);
                        used[t] = true;
                    }
                }
            }
            assertEquals((pieces / BATCH) * BATCH, starts.size());
        }
    }

    @Test
    void withOneRowPerBatchEveryPieceOfTheRemainderIsUsedExactlyOnce() {
        RandomSampling it = new RandomSampling(OneHotRows.positions(N), N, 1, STEPS, 3);
        for (int epoch = 0; epoch < 10; epoch++) {
            it.reset();
            int offset = it.offset();
            List<Integer> starts = new ArrayList<>();
            for (int b = 0; b < it.batchesPerEpoch(); b++) {
                starts.add(it.startsOfBatch(b)[0]);
            }
            List<Integer> expected = new ArrayList<>();
            for (int s = offset; s + STEPS < N; s += STEPS) {
                expected.add(s);
            }
            List<Integer> sorted = new ArrayList<>(starts);
            sorted.sort(null);
            assertEquals(expected, sorted);
            if (epoch == 0) {
                assertNotEquals(expected, starts, "pieces should come shuffled");
            }
        }
    }

    @Test
    void offsetsVaryAcrossEpochsAndTheSameSeedReproducesThem() {
        List<Integer> first = new ArrayList<>();
        List<int[]> firstStarts = new ArrayList<>();
        RandomSampling a = sampler(7);
        RandomSampling b = sampler(7);
        for (int epoch = 0; epoch < 20; epoch++) {
            OneHotRows.nextEpoch(a);
            OneHotRows.nextEpoch(b);
            first.add(a.offset());
            assertEquals(a.offset(), b.offset());
            assertEquals(a.batchesPerEpoch(), b.batchesPerEpoch());
            for (int k = 0; k < a.batchesPerEpoch(); k++) {
                assertArrayEquals(a.startsOfBatch(k), b.startsOfBatch(k));
            }
            firstStarts.add(a.startsOfBatch(0));
        }
        assertTrue(new HashSet<>(first).size() > 1, "offsets never changed: " + first);
        RandomSampling other = sampler(8);
        boolean differs = false;
        for (int epoch = 0; epoch < 20 && !differs; epoch++) {
            OneHotRows.nextEpoch(other);
            differs = !java.util.Arrays.equals(other.startsOfBatch(0), firstStarts.get(epoch));
        }
        assertTrue(differs, "another seed gave the same batches");
    }

    @Test
    void tooShortCorpusIsRefusedWhateverTheOffset() {
        int needed = Math.toIntExact(RandomSampling.minimumLength(BATCH, STEPS));
        assertEquals(20, needed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomSampling(OneHotRows.positions(needed - 1), needed, BATCH, STEPS, 0));
        assertTrue(e.getMessage().contains("at least " + needed) && e.getMessage().contains("has " + (needed - 1)),
                e.getMessage());

        RandomSampling shortest = new RandomSampling(OneHotRows.positions(needed), needed, BATCH, STEPS, 0);
        for (int epoch = 0; epoch < 20; epoch++) {
            OneHotRows.nextEpoch(shortest);
            assertEquals(1, shortest.batchesPerEpoch());
        }
    }

    @Test
    void moreStepsThanTokensIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomSampling(OneHotRows.positions(10), 10, 1, 10, 0));
        assertTrue(e.getMessage().contains("numSteps = 10") && e.getMessage().contains("only 10"), e.getMessage());
    }

    @Test
    void rewindReplaysTheFirstEpochsOfANewIterator() {
        int[] tokens = new int[500];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7) % 11;
        }
        RandomSampling used = new RandomSampling(tokens, 11, 4, 10, 3);
        List<int[]> firstTwoEpochs = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            used.reset();
            for (int b = 0; b < used.batchesPerEpoch(); b++) {
                used.next();
                firstTwoEpochs.add(used.startsOfBatch(b));
            }
        }
        used.rewind();
        RandomSampling fresh = new RandomSampling(tokens, 11, 4, 10, 3);
        for (RandomSampling it : List.of(used, fresh)) {
            int k = 0;
            for (int epoch = 0; epoch < 2; epoch++) {
                it.reset();
                for (int b = 0; b < it.batchesPerEpoch(); b++) {
                    it.next();
                    assertArrayEquals(firstTwoEpochs.get(k++), it.startsOfBatch(b));
                }
            }
        }
        assertNotEquals(java.util.Arrays.toString(firstTwoEpochs.get(0)),
                java.util.Arrays.toString(firstTwoEpochs.get(used.batchesPerEpoch())), "epochs differ, so the replay is not trivial");
    }
}
