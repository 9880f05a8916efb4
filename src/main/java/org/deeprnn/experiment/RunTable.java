package org.deeprnn.experiment;

import org.deeprnn.train.EpochResult;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text table of a {@link Comparison}: one row per run, or one per setting with its spread over seeds. */
final class RunTable {
    private RunTable() {
    }

    static String of(Map<String, List<Comparison.Run>> runs) {
        int width = Math.max(4, runs.keySet().stream().mapToInt(String::length).max().orElse(4));
        String metric = abbreviate(runs.values().iterator().next().get(0).result().last().metricName());
        boolean seeded = runs.values().stream().anyMatch(r -> r.size() > 1);
        return seeded ? seeded(runs, width, metric) : single(runs, width, metric);
    }

    private static String single(Map<String, List<Comparison.Run>> runs, int width, String metric) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-" + width + "s %11s %6s %10s %10s %16s %12s %8s%n", "run", "parameters", "epochs",
                "train " + metric, "val " + metric, "best val (epoch)", "max |grad|", "s/epoch"));
        for (List<Comparison.Run> setting : runs.values()) {
            Comparison.Run run = setting.get(0);
            EpochResult last = run.result().last();
            EpochResult best = run.bestValidationEpoch();
            String bestText = best == null ? "-" : String.format(Locale.ROOT, "%.3f (%d)", best.validationMetric(), best.epoch());
            double maxNorm = run.result().epochs().stream().mapToDouble(EpochResult::maxGradientNorm).max().orElse(Double.NaN);
            s.append(String.format(Locale.ROOT, "%-" + width + "s %,11d %6d %10s %10s %16s %12s %8.2f%n", run.name(),
                    run.parameters(), last.epoch(), Spread.format(last.metric()),
                    last.hasValidation() ? Spread.format(last.validationMetric()) : "-",
                    bestText, Spread.format(maxNorm), run.secondsPerEpoch()));
        }
        return s.toString();
    }

    private static String seeded(Map<String, List<Comparison.Run>> runs, int width, String metric) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-" + width + "s %11s %6s %5s %20s %20s %20s %8s%n", "run", "parameters", "epochs",
                "seeds", "train " + metric + " (mean ± sd)", "val " + metric + " (mean ± sd)", "val min–max", "s/epoch"));
        for (Map.Entry<String, List<Comparison.Run>> e : runs.entrySet()) {
            List<Comparison.Run> setting = e.getValue();
            Comparison.Run first = setting.get(0);
            Spread train = new Spread(setting.stream().mapToDouble(r -> r.result().last().metric()).toArray());
            boolean validated = first.result().last().hasValidation();
            Spread val = validated ? new Spread(setting.stream().mapToDouble(r -> r.result().last().validationMetric()).toArray()) : null;
            double seconds = setting.stream().mapToDouble(Comparison.Run::secondsPerEpoch).average().orElse(Double.NaN);
            s.append(String.format(Locale.ROOT, "%-" + width + "s %,11d %6d %5d %20s %20s %20s %8s%n", e.getKey(),
                    first.parameters(), first.result().last().epoch(), setting.size(), meanSd(train),
                    val == null ? "-" : meanSd(val), val == null ? "-" : range(val),
                    Double.isFinite(seconds) ? String.format(Locale.ROOT, "%.2f", seconds) : "-"));
        }
        return s.toString();
    }

    /** The finite values' range; "-" when every seed diverged. */
    private static String range(Spread s) {
        if (s.finiteCount() == 0) {
            return "-";
        }
        Spread f = s.finite();
        return Spread.format(f.min()) + "–" + Spread.format(f.max());
    }

    private static String meanSd(Spread s) {
        if (s.finiteCount() == s.n() || s.finiteCount() == 0) {
            return s.finiteCount() == 0 ? "diverged" : s.meanSd();
        }
        Spread f = s.finite();
        return (f.n() == 1 ? f.toString() : f.meanSd()) + " (" + (s.n() - s.finiteCount()) + " diverged)";
    }

    private static String abbreviate(String metric) {
        return metric.equals("perplexity") ? "ppl" : metric;
    }
}
