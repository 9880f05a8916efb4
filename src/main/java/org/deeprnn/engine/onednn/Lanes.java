package org.deeprnn.engine.onednn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntToDoubleFunction;

/**
 * Runs the K slices of a batch on up to {@code lanes} Java threads, the calling thread being the first: slice k
 * goes to lane k mod lanes, and each lane runs its slices in order with oneDNN on {@code team} OpenMP threads.
 * A slice's numbers depend only on its own inputs (one thread each, {@code team} = 1), so the lane count changes
 * the time a batch takes, never its result. The workers are daemon threads shared by every engine of the process.
 */
final class Lanes {
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "onednn-lane");
        t.setDaemon(true);
        return t;
    });
    final int lanes, team;

    Lanes(int lanes, int team) {
        if (lanes < 1 || team < 1) {
            throw new IllegalArgumentException("oneDNN needs at least one lane of one thread, got " + lanes + " lane(s) of " + team);
        }
        this.lanes = lanes;
        this.team = team;
    }

    /** {@code work.applyAsDouble(k)} for k = 0 .. slices - 1; its results in slice order. */
    double[] run(int slices, IntToDoubleFunction work) {
        double[] out = new double[slices];
        int used = Math.min(lanes, slices);
        List<Future<?>> others = new ArrayList<>();
        for (int lane = 1; lane < used; lane++) {
            final int first = lane;
            others.add(WORKERS.submit(() -> runLane(first, used, slices, work, out)));
        }
        Throwable failure = null;
        try {
            runLane(0, used, slices, work, out);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a oneDNN lane failed: " + failure, failure);
        }
        return out;
    }

    private void runLane(int first, int step, int slices, IntToDoubleFunction work, double[] out) {
        OneDnn.withThreads(team, () -> {
            for (int k = first; k < slices; k += step) {
                out[k] = work.applyAsDouble(k);
            }
            return null;
        });
    }

    String describe() {
        return lanes + " thread(s)" + (team > 1 ? " of " + team + " OpenMP threads each" : "");
    }
}
