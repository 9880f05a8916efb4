package org.deeprnn.bench;

import org.deeprnn.model.CellType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The report's ratios and header from made-up timings (no timing here). */
class BenchmarkReportTest {
    private static final Workload LSTM = new Workload(CellType.LSTM, 2, 256, 32, 35, 28);

    private static BenchmarkReport.Result result(String path, double... roundMedians) {
        double[][] ms = new double[roundMedians.length][];
        for (int r = 0; r < ms.length; r++) {
            ms[r] = new double[]{roundMedians[r] - 1, roundMedians[r], roundMedians[r] + 1};
        }
        return new BenchmarkReport.Result(LSTM, path, ms, null);
    }

    @Test
    void versusPeerIsAgainstTheFastestPeerOfEachRoundLibtorchIncluded() {
        BenchmarkReport.Result ours = result("trainer", 20, 40, 30);
        List<BenchmarkReport.Result> all = List.of(ours, result("torch-1t", 100, 100, 100), result("libtorch-1t", 50, 200, 45),
                result("libtorch-2t", 60, 60, 90));
        // per round the best peer is 50, 60, 45: ratios 2.5, 1.5, 1.5; their median 1.5
        assertEquals(1.5, BenchmarkReport.versusPeer(ours, all), 1e-12);
        assertTrue(all.get(2).isPeer() && all.get(1).isPeer() && !ours.isPeer());
        assertTrue(Double.isNaN(BenchmarkReport.versusPeer(ours, List.of(ours))));
    }

    @Test
    void tableStatesTheLoadItRanUnder() {
        List<BenchmarkReport.Result> all = List.of(result("trainer", 20, 20));
        assertTrue(BenchmarkReport.table(all, 1).startsWith("load: 1 busy process(es) (yes > /dev/null) running during every timed round"));
        assertTrue(BenchmarkReport.table(all, 0).startsWith("load: none"));
    }

    @Test
    void anUnbuiltLibtorchPeerSaysTheOneCommandThatBuildsIt() {
        String problem = PeerProcess.libtorchProblem(Path.of("target", "no-such-peer"));
        assertTrue(problem.contains("the libtorch 2.10 peer is not built"), problem);
        assertTrue(problem.endsWith("mvn -q -f tools/bench/libtorch-peer/pom.xml -Djavacpp.platform=linux-x86_64 compile"), problem);
    }

    @Test
    void busyLoadRunsItsProcessesUntilClosed() throws Exception {
        BusyLoad load = BusyLoad.start(2);
        try {
            assertEquals(2, load.running());
        } finally {
            load.close();
        }
        assertEquals(0, load.running());
        try (BusyLoad none = BusyLoad.start(0)) {
            assertEquals(0, none.running());
        }
    }
}
