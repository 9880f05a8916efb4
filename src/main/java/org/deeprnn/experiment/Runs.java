package org.deeprnn.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of a {@link Comparison}: every setting's runs under its name, in the order they were recorded. */
final class Runs {
    private final String title;
    private final Map<String, List<Comparison.Run>> byName = new LinkedHashMap<>();

    Runs(String title) {
        this.title = title;
    }

    /** @throws IllegalArgumentException for an empty name or one already recorded */
    void requireFree(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A run needs a non-empty name");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("'" + title + "' already has a run named '" + name + "': give each run its own name");
        }
    }

    List<Comparison.Run> put(String name, List<Comparison.Run> runs) {
        requireFree(name);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("No runs to record under '" + name + "'");
        }
        List<Comparison.Run> copy = List.copyOf(runs);
        byName.put(name, copy);
        return copy;
    }

    /** @throws IllegalArgumentException naming the recorded settings if none has that name */
    List<Comparison.Run> of(String name) {
        List<Comparison.Run> r = byName.get(name);
        if (r == null) {
            throw new IllegalArgumentException("No run named '" + name + "' in '" + title + "'; the runs are " + byName.keySet());
        }
        return r;
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    List<Comparison.Run> all() {
        return byName.values().stream().flatMap(List::stream).toList();
    }

    /** The runs by setting name, for the table; @throws IllegalStateException if there are none yet */
    Map<String, List<Comparison.Run>> nonEmpty() {
        if (byName.isEmpty()) {
            throw new IllegalStateException("'" + title + "' has no runs yet: train(...) or add(...) some first");
        }
        return byName;
    }
}
