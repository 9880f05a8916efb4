package org.deeprnn.engine;

import org.deeprnn.engine.FusedRnnGradient.Phase;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where the fused engine's time goes, phase by phase. The engine calls {@link #lap} at the end of
 * every phase; {@link #OFF}, the default, does nothing there, so an engine that is not being
 * profiled reads no clock.
 */
class Profiler {
    /** Records nothing. */
    static final Profiler OFF = new Profiler();

    private Profiler() {
    }

    /** Starts the clock of a batch. */
    void start() {
    }

    /** Charges the time since the previous lap (or {@link #start}) to {@code phase}. */
    void lap(Phase phase) {
    }

    /** Ends a batch: the averages of {@link #millisPerBatch} count it. */
    void end() {
    }

    /** Milliseconds per batch in each phase, in the order of the phases (zero when nothing was recorded). */
    Map<Phase, Double> millisPerBatch() {
        Map<Phase, Double> out = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            out.put(p, 0.0);
        }
        return out;
    }

    /** A profiler that reads the clock at every lap. */
    static Profiler recording() {
        return new Recording();
    }

    private static final class Recording extends Profiler {
        private final long[] nanos = new long[Phase.values().length];
        private long last;
        private long batches;

        @Override
        void start() {
            last = System.nanoTime();
        }

        @Override
        void lap(Phase phase) {
            long now = System.nanoTime();
            nanos[phase.ordinal()] += now - last;
            last = now;
        }

        @Override
        void end() {
            batches++;
        }

        @Override
        Map<Phase, Double> millisPerBatch() {
            Map<Phase, Double> out = new EnumMap<>(Phase.class);
            for (Phase p : Phase.values()) {
                out.put(p, batches == 0 ? 0.0 : nanos[p.ordinal()] / 1e6 / batches);
            }
            return out;
        }
    }
}
