package org.deeprnn.bench;

import org.deeprnn.model.CellType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The benchmark's command line and its bookkeeping of matrix-product work (no timing here). */
class BenchmarkOptionsTest {

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(args)).getMessage();
    }

    @Test
    void defaultsAreTheOlderEditionsShapeForEveryCellAndDepth() {
        List<Workload> w = BenchmarkOptions.parse(new String[0]).workloads();
        assertEquals(9, w.size());
        assertTrue(w.stream().allMatch(x -> x.hidden() == 256 && x.batch() == 32 && x.steps() == 35 && x.vocab() == 28));
    }

    @Test
    void chapterPresetIsTheTwoHeadlineWorkloads() {
        assertEquals(List.of(new Workload(CellType.LSTM, 2, 256, 32, 35, 28), new Workload(CellType.GRU, 2, 32, 1024, 32, 28)),
                BenchmarkOptions.parse(new String[]{"--chapter", "--peer"}).workloads());
    }

    @Test
    void shapeOptionsMakeTheirWorkloads() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[]{"--cells", "gru,rnn", "--layers", "2", "--hidden", "32",
                "--batch", "1024", "--steps", "32", "--vocab", "30"});
        assertEquals(List.of(new Workload(CellType.GRU, 2, 32, 1024, 32, 30), new Workload(CellType.SIMPLE_RNN, 2, 32, 1024, 32, 30)),
                o.workloads());
    }

    @Test
    void badOptionsAreNamedWithWhatToDo() {
        assertTrue(error("--bogus").contains("Unknown option --bogus"));
        assertTrue(error("--reps", "x").contains("--reps takes a whole number, got 'x'"));
        assertTrue(error("--hidden", "0").contains("--hidden must be at least 1"));
        assertTrue(error("--cells", "lstm,foo").contains("Unknown cell 'foo'"));
        assertTrue(error("--layers").contains("--layers needs a value"));
        assertTrue(error("--paths", "fast").contains("Unknown path 'fast'"));
        assertTrue(error("--peer-threads", "1,,2").contains("without gaps"));
        assertTrue(error("--chapter", "--hidden", "64").contains("drop --hidden"));
        assertTrue(error("--load", "-1").contains("--load must be 0 or more, got -1"));
        assertTrue(error("--load").contains("--load needs a value"));
    }

    @Test
    void loadAndTheTrainersOwnChoiceAreOptions() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[]{"--chapter", "--peer", "--load", "2", "--paths", "trainer,trainer-onednn"});
        assertEquals(2, o.load);
        assertEquals(List.of("trainer", "trainer-onednn"), o.paths);
        assertEquals(0, BenchmarkOptions.parse(new String[0]).load);
        assertTrue(BenchmarkOptions.parse(new String[0]).paths.contains("trainer"));
    }

    @Test
    void productWorkMatchesTheIterationsFlopCount() {
        // per layer: 2 per-step products of 2 B h gh per step; X W, X^T dZ, H^T dZ and (above layer 1) dZ W^T; output 3 products
        Workload w = new Workload(CellType.LSTM, 2, 256, 32, 35, 28);
        double n = 32 * 35, h = 256, gh = 4 * 256, v = 28;
        double expected = 2 * (2 * 2 * n * h * gh) + (2 * n * v * gh * 2 + 2 * n * h * gh) + (2 * n * h * gh * 4) + 3 * 2 * n * h * v;
        assertEquals(expected, w.flop(), 1e-6 * expected);
    }
}
