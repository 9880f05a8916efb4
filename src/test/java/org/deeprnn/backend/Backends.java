package org.deeprnn.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** JUnit assumptions for tests that hold only on one ND4J backend: elsewhere they are skipped with the reason. */
public final class Backends {
    private Backends() {
    }

    /** Skips the calling test unless ND4J runs on its CPU backend (the default profile). */
    public static void assumeCpu(String why) {
        BackendInfo info = BackendInfo.describe();
        assumeTrue(info.isCpu(), () -> "needs the CPU backend (" + why + "); this run uses " + info.platform());
    }
}
