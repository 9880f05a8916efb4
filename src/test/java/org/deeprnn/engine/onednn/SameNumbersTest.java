package org.deeprnn.engine.onednn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Trainer's oneDNN engine gives bit-identical parameters whatever the thread count: the same seeded trainings
 * ({@link SameNumbersRun}) with the slices on 1, 2 and 3 threads, and in a child JVM on a single core
 * ({@code taskset -c 0}) with the default engine, compared element by element.
 */
class SameNumbersTest {
    /** The largest absolute difference of the last comparison, for the report. */
    static double maxAbsDifference;

    @BeforeAll
    static void needsOneDnn() {
        assertNull(OneDnnGradient.unavailableReason(), "the oneDNN engine must load on this platform");
    }

    private static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length, "parameter count");
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        }
        return worst;
    }

    @Test
    void oneTwoAndThreeThreadsGiveBitIdenticalParameters() {
        float[] one = SameNumbersRun.train(() -> OneDnnGradient.withThreads(1));
        float[] two = SameNumbersRun.train(() -> OneDnnGradient.withThreads(2));
        float[] three = SameNumbersRun.train(() -> OneDnnGradient.withThreads(3));
        float[] untrained = SameNumbersRun.train(() -> OneDnnGradient.sliced(1, 1, 1));
        assertTrue(maxAbs(one, untrained) > 0, "a different slicing must give other rounding (the comparison can fail)");
        maxAbsDifference = Math.max(maxAbs(one, two), maxAbs(one, three));
        System.out.printf("1 vs 2 threads: max abs difference %s; 1 vs 3: %s (over %d parameters)%n", maxAbs(one, two), maxAbs(one, three), one.length);
        assertArrayEquals(one, two, "1 vs 2 threads");
        assertArrayEquals(one, three, "1 vs 3 threads");
    }

    @Test
    void aSingleCoreChildProcessGivesTheSameParametersAsTwoThreadsHere() throws Exception {
        Path taskset = Path.of("/usr/bin/taskset");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(taskset), "taskset (util-linux) is not installed");
        Path out = Files.createTempFile("same-numbers", ".f32");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(taskset.toString(), "-c", "0", java, "-cp", System.getProperty("java.class.path"),
                    SameNumbersRun.class.getName(), out.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove(OneDnnGradient.THREADS_VARIABLE);
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process p = pb.start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the single-core run did not end in 300 s");
            assertEquals(0, p.exitValue(), "the single-core run failed");
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
            float[] child = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(child);
            float[] here = SameNumbersRun.train(() -> OneDnnGradient.withThreads(2));
            System.out.printf("taskset -c 0 (default engine) vs 2 threads here: max abs difference %s (over %d parameters)%n",
                    maxAbs(child, here), here.length);
            assertArrayEquals(here, child, "one core vs two threads");
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
