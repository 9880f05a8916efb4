package org.deeprnn.check;

/**
 * The checks of numeric arguments that several packages make, so that a bad value gets the same
 * message wherever it is given: what it is, what it must be, the value, and what to do instead.
 */
public final class Require {
    private Require() {
    }

    /**
     * Returns {@code value} if it is a positive finite number.
     *
     * @param what   the name the message starts with, e.g. "learningRate" or "The temperature"
     * @param advice appended to the message after "; " (what to do instead), or null for none
     * @throws IllegalArgumentException "WHAT must be a positive finite number, got VALUE[; ADVICE]" otherwise
     */
    public static double positiveFinite(String what, double value, String advice) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive finite number, got " + value
                    + (advice == null ? "" : "; " + advice));
        }
        return value;
    }

    /** {@link #positiveFinite(String, double, String)} without advice. */
    public static double positiveFinite(String what, double value) {
        return positiveFinite(what, value, null);
    }

    /**
     * Returns {@code value} if it is at least 1 (a count or a size).
     *
     * @param why appended to the message after ": " (why it must be, or how to set it), or null for none
     * @throws IllegalArgumentException "WHAT must be at least 1, got VALUE[: WHY]" otherwise
     */
    public static int atLeastOne(String what, int value, String why) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value + (why == null ? "" : ": " + why));
        }
        return value;
    }

    /** {@link #atLeastOne(String, int, String)} without a reason. */
    public static int atLeastOne(String what, int value) {
        return atLeastOne(what, value, null);
    }
}
