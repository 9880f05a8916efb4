package org.deeprnn.experiment;

import java.util.Locale;
import java.util.Map;

/**
 * How big the notebooks' experiments are: FULL runs the chapter's real hyperparameters, QUICK the
 * same code with a few epochs (CI and smoke tests). Chosen by the environment variable
 * {@code DEEPRNN_MODE} ({@code full} or {@code quick}; full when unset), which the chapter runner
 * puts into the kernel's environment.
 */
public enum RunSize {
    FULL, QUICK;

    public static final String ENV = "DEEPRNN_MODE";

    public static RunSize current() {
        return from(System.getenv());
    }

    static RunSize from(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank()) {
            return FULL;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "full" -> FULL;
            case "quick" -> QUICK;
            default -> throw new IllegalArgumentException(ENV + " must be 'full' or 'quick', got '" + value + "'");
        };
    }

    /** {@code full} in a full run, {@code quick} in a quick one: e.g. {@code RunSize.current().pick(500, 5)} epochs. */
    public int pick(int full, int quick) {
        return this == FULL ? full : quick;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
