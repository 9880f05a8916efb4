package org.deeprnn.engine.onednn;

import java.util.Arrays;

/**
 * oneDNN's thread count for the next batch, chosen from measured batch times. On an idle 2-core machine two
 * OpenMP threads train the chapter's LSTM about 1.6 times as fast as one; when another job takes a core,
 * the threads of a team wait for each other at every step's barrier and two become several times slower
 * than one. So the engine runs on the count that measured faster and now and then tries the other one for a
 * single batch: it switches when that batch beats the median of the last few at the current count, and
 * otherwise tries less often (every 8, 16, ... up to 128 batches), so that a probe costs little.
 * <p>
 * Only batches of the shape of the one before, after the first few of that shape, are timed (a new shape builds its primitives, and a smaller
 * last batch is faster for its own reason). A fixed count ({@link #fixed}) never probes.
 */
final class ThreadChooser {
    private static final int WINDOW = 5, FIRST_INTERVAL = 8, MAX_INTERVAL = 128;
    private static final double SWITCH_MARGIN = 0.9;
    private final int low, high;
    private int current;
    private final long[] recent = new long[WINDOW];
    private int recorded;
    private int interval = FIRST_INTERVAL;
    private int sinceProbe;
    private boolean probing;

    private ThreadChooser(int low, int high) {
        this.low = low;
        this.high = high;
        this.current = high;
    }

    static ThreadChooser fixed(int threads) {
        return new ThreadChooser(threads, threads);
    }

    /** Chooses between 1 and {@code max} threads, starting with {@code max}. */
    static ThreadChooser adaptive(int max) {
        return new ThreadChooser(1, Math.max(1, max));
    }

    boolean isFixed() {
        return low == high;
    }

    /** The thread count for the next batch. */
    int next() {
        if (isFixed() || recorded < WINDOW || sinceProbe < interval) {
            probing = false;
            return current;
        }
        probing = true;
        return other();
    }

    /** Reports how long the batch run with {@link #next()}'s count took; {@code comparable} is false for a batch not to time. */
    void record(long nanos, boolean comparable) {
        if (isFixed() || !comparable) {
            probing = false;
            return;
        }
        if (probing) {
            probing = false;
            sinceProbe = 0;
            if (nanos < SWITCH_MARGIN * median()) {
                current = other();
                recorded = 0;
                interval = FIRST_INTERVAL;
                add(nanos);
            } else {
                interval = Math.min(MAX_INTERVAL, interval * 2);
            }
            return;
        }
        sinceProbe++;
        add(nanos);
    }

    private void add(long nanos) {
        recent[recorded % WINDOW] = nanos;
        recorded++;
    }

    private double median() {
        long[] r = Arrays.copyOf(recent, Math.min(recorded, WINDOW));
        Arrays.sort(r);
        return r[r.length / 2];
    }

    private int other() {
        return current == high ? low : high;
    }

    /** The count batches run on now. */
    int current() {
        return current;
    }

    String describe() {
        return isFixed() ? low + " thread(s)" : "between " + low + " and " + high + " threads by measured speed (now " + current + ")";
    }
}
