package org.deeprnn.text;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequentialPartitioningTest {
    private static final int N = 97;
    private static final int BATCH = 3;
    private static final int STEPS = 4;

    private static SequentialPartitioning sampler(long seed) {
        return new SequentialPartitioning(OneHotRows.positions(N), N, BATCH, STEPS, seed);
    }

    private static List<DataSet> epoch(SequentialPartitioning it) {
        it.reset();
        List<DataSet> batches = new ArrayList<>();
        while (it.hasNext()) {
            batches.add(it.next());
        }
        return batches;
    }

    @Test
    void eachRowContinuesInTheNextBatch() {
        SequentialPartitioning it = sampler(1);
        assertTrue(it.carriesStateAcrossBatches());
        for (int e = 0; e < 5; e++) {
            List<DataSet> batches = epoch(it);
            assertTrue(batches.size() >= 2);
            for (int k = 0; k + 1 < batches.size(); k++) {
                int[][] x = OneHotRows.tokens(batches.get(k).getFeatures());
                int[][] y = OneHotRows.tokens(batches.get(k).getLabels());
                int[][] next = OneHotRows.tokens(batches.get(k + 1).getFeatures());
                for (int r = 0; r < BATCH; r++) {
                    assertEquals(x[r][STEPS - 1] + 1, next[r][0], "row " + r + " of batch " + (k + 1) + " does not continue");
                    assertEquals(y[r][STEPS - 1], next[r][0]);
                }
            }
        }
    }

    @Test
    void shapesOneHotAndShiftedLabels() {
        SequentialPartitioning it = sampler(2);
        for (DataSet ds : epoch(it)) {
            assertArrayEquals(new long[]{BATCH, N, STEPS}, ds.getFeatures().shape());
            assertArrayEquals(new long[]{BATCH, N, STEPS}, ds.getLabels().shape());
            int[][] x = OneHotRows.tokens(ds.getFeatures());
            int[][] y = OneHotRows.tokens(ds.getLabels());
            for (int r = 0; r < BATCH; r++) {
                for (int t = 0; t < STEPS; t++) {
                    assertEquals(x[r][t] + 1, y[r][t]);
                    if (t > 0) {
                        assertEquals(x[r][t - 1] + 1, x[r][t]);
                    }
                }
            }
        }
    }

    @Test
    void coversTheStartOfEveryEqualRowExactlyOnce() {
        SequentialPartitioning it = sampler(3);
        for (int e = 0; e < 20; e++) {
            List<DataSet> batches = epoch(it);
            int offset = it.offset();
            int rowLength = (N - offset - 1) / BATCH;
            assertEquals(rowLength, it.rowLength());
            int perRow = rowLength / STEPS;
            assertEquals(perRow, batches.size());

            List<Integer> seen = new ArrayList<>();
            for (DataSet ds : batches) {
                for (int[] row : OneHotRows.tokens(ds.getFeatures())) {
                    for (int token : row) {
                        seen.add(token);
                    }
                }
            }
            TreeSet<Integer> expected = new TreeSet<>();
            for (int r = 0; r < BATCH; r++) {
                for (int i = 0; i < perRow * STEPS; i++) {
                    expected.add(offset + r * rowLength + i);
                }
            }
            assertEquals(expected.size(), seen.size(), "some position was used twice");
            assertEquals(expected, new TreeSet<>(seen));
            assertTrue(expected.last() + 1 < N, "the last label must lie inside the corpus");
        }
    }

    @Test
    void offsetsVaryAcrossEpochsAndTheSameSeedReproducesThem() {
        SequentialPartitioning a = sampler(11);
        SequentialPartitioning b = sampler(11);
        List<Integer> offsets = new ArrayList<>();
        for (int e = 0; e < 20; e++) {
            epoch(a);
            epoch(b);
            assertEquals(a.offset(), b.offset());
            assertArrayEquals(a.startsOfBatch(0), b.startsOfBatch(0));
            assertTrue(a.offset() >= 0 && a.offset() <= STEPS, "offset " + a.offset());
            offsets.add(a.offset());
        }
        assertTrue(new HashSet<>(offsets).size() > 1, "offsets never changed: " + offsets);
    }

    @Test
    void resettingBeforeTheFirstBatchKeepsThePlannedEpoch() {
        SequentialPartitioning askedFirst = sampler(5);
        assertTrue(askedFirst.hasNext());
        askedFirst.reset();
        SequentialPartitioning resetFirst = sampler(5);
        resetFirst.reset();
        assertEquals(resetFirst.offset(), askedFirst.offset());
        assertEquals(resetFirst.next().getFeatures(), askedFirst.next().getFeatures());
    }

    @Test
    void tooShortCorpusIsRefusedWhateverTheOffset() {
        int needed = Math.toIntExact(SequentialPartitioning.minimumLength(BATCH, STEPS));
        assertEquals(17, needed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequentialPartitioning(OneHotRows.positions(needed - 1), needed, BATCH, STEPS, 0));
        assertTrue(e.getMessage().contains("at least " + needed) && e.getMessage().contains("has " + (needed - 1)),
                e.getMessage());
        SequentialPartitioning shortest = new SequentialPartitioning(OneHotRows.positions(needed), needed, BATCH, STEPS, 0);
        for (int epoch = 0; epoch < 20; epoch++) {
            OneHotRows.nextEpoch(shortest);
            assertEquals(1, shortest.batchesPerEpoch());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new SequentialPartitioning(OneHotRows.positions(5), 5, 1, 8, 0));
    }

    @Test
    void fixedPartitioningServesTheSameBatchesEveryEpochFromTokenZero() {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            text.add(String.valueOf((char) ('a' + i % 26)));
        }
        Corpus corpus = Corpus.fromTokens(text, 0);
        SequentialPartitioning it = SequentialPartitioning.fixed(corpus, BATCH, STEPS);
        List<DataSet> first = epoch(it);
        assertEquals(0, it.offset());
        // (97 - 1) / 3 = 32 tokens per row, 8 batches of 4 steps; row r starts at 32 r.
        assertEquals(32, it.rowLength());
        assertEquals(8, first.size());
        assertEquals(corpus.text(32, 36), corpus.decodeBatch(first.get(0).getFeatures()).get(1));
        for (int e = 0; e < 3; e++) {
            List<DataSet> again = epoch(it);
            assertEquals(0, it.offset());
            for (int b = 0; b < first.size(); b++) {
                assertEquals(first.get(b).getFeatures(), again.get(b).getFeatures());
                assertEquals(first.get(b).getLabels(), again.get(b).getLabels());
            }
        }
    }
}
