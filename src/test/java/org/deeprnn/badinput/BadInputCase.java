package org.deeprnn.badinput;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * One bad input: what is tried, what a good answer is, and the code that tries it. An error case passes as
 * "clear error" when the exception's message holds every required word (case-insensitive) and none of the
 * forbidden ones (written with a leading '!'); a correct case passes as "correct" when its code returns, and
 * throws {@link WrongResult} when the result is wrong. {@code isolated} cases run in a JVM of their own,
 * since the code before a fix may end the process (a native {@code std::bad_alloc}).
 */
record BadInputCase(String name, boolean expectError, List<String> words, boolean isolated, Callable<String> body) {

    /** The outcome classes, in the order the summary counts them. */
    static final List<String> OUTCOMES = List.of("clear error", "correct", "unclear", "silent", "crash");

    static BadInputCase error(String name, Callable<String> body, String... words) {
        return new BadInputCase(name, true, List.of(words), false, body);
    }

    static BadInputCase correct(String name, Callable<String> body) {
        return new BadInputCase(name, false, List.of(), false, body);
    }

    BadInputCase isolatedRun() {
        return new BadInputCase(name, expectError, words, true, body);
    }

    /** A result that is wrong although no error was raised. */
    static final class WrongResult extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrongResult(String message) {
            super(message);
        }
    }

    /** Runs the case here and returns its line: name, outcome, message. */
    String run() {
        try {
            String result = body.call();
            return line(expectError ? "silent" : "correct", result);
        } catch (WrongResult wrong) {
            return line("silent", wrong.getMessage());
        } catch (Exception e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!expectError) {
                return line("unclear", message);
            }
            return line(matches(message) ? "clear error" : "unclear", message);
        } catch (Error e) {
            return line("crash", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    boolean matches(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        for (String w : words) {
            boolean forbidden = w.startsWith("!");
            String word = (forbidden ? w.substring(1) : w).toLowerCase(Locale.ROOT);
            if (m.contains(word) == forbidden) {
                return false;
            }
        }
        return true;
    }

    String line(String outcome, String message) {
        String flat = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        return String.format(Locale.ROOT, "%-44s | %-11s | %s", name, outcome, flat.length() > 300 ? flat.substring(0, 297) + "..." : flat);
    }
}
