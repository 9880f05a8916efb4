package org.deeprnn.experiment;

import org.deeprnn.train.EpochResult;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What a {@link Comparison} prints while it trains: a heading before a single run (whose trainer then prints
 * its own lines), one line after each seed of a seeded setting, and for a run that diverged the epoch it
 * diverged at, in the same words with or without seeds. Prints nothing without a stream.
 */
final class RunProgress {
    private final String title;
    private final PrintStream out;

    RunProgress(String title, PrintStream out) {
        this.title = title;
        this.out = out;
    }

    boolean silent() {
        return out == null;
    }

    void heading(String name) {
        if (out != null) {
            out.println("== " + title + ": " + name);
        }
    }

    /** After a single run: only a divergence needs saying, the trainer has printed the rest. */
    void singleDone(Comparison.Run run, double seconds) {
        if (out != null && run.diverged()) {
            out.println(String.format(Locale.ROOT, "%s: %s: %s, %.1f s", title, run.name(), divergedText(run), seconds));
        }
    }

    void seedDone(Comparison.Run run, double seconds) {
        if (out == null) {
            return;
        }
        EpochResult last = run.result().last();
        String outcome = run.diverged() ? divergedText(run)
                : (last.hasValidation() ? "validation " : "training ") + last.metricName() + " "
                + Spread.format(last.hasValidation() ? last.validationMetric() : last.metric());
        out.println(String.format(Locale.ROOT, "%s: %s, seed %d: %s, %.1f s", title, run.name(), run.seed(), outcome, seconds));
    }

    private static String divergedText(Comparison.Run run) {
        return "diverged at epoch " + run.result().last().epoch();
    }
}
