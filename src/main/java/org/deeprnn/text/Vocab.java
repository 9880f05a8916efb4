package org.deeprnn.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps tokens to the integer indices a network sees and back (notebook 3, "The data"). Index 0 is the
 * unknown token {@value #UNK}, then come the reserved tokens in the order given, then every token
 * seen at least {@code minFreq} times, most frequent first; equal counts are ordered by the
 * tokens' natural (string) order, so the same text always gives the same indices.
 */
public final class Vocab {
    /** The token every out-of-vocabulary token is mapped to; its index is 0. */
    public static final String UNK = "<unk>";

    private final List<String> indexToToken;
    private final Map<String, Integer> tokenToIndex;
    private final Map<String, Integer> counts;
    private final List<Map.Entry<String, Integer>> byFrequency;

    /** All tokens of {@code tokens}, no reserved tokens. */
    public Vocab(List<String> tokens) {
        this(tokens, 0, List.of());
    }

    /**
     * @param tokens         the token sequence to count
     * @param minFreq        tokens seen fewer times are left out (mapped to {@value #UNK}); 0 or 1 keeps all
     * @param reservedTokens tokens that get the indices right after {@value #UNK}, whether they occur or not
     */
    public Vocab(List<String> tokens, int minFreq, List<String> reservedTokens) {
        Objects.requireNonNull(tokens, "tokens must not be null (pass an empty list for an empty vocabulary)");
        Objects.requireNonNull(reservedTokens, "reservedTokens must not be null (pass List.of() for none)");
        if (minFreq < 0) {
            throw new IllegalArgumentException("minFreq must be 0 or more, got " + minFreq);
        }
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token == null) {
                throw new IllegalArgumentException("tokens contains null at position " + i);
            }
            tally.merge(token, 1, Integer::sum);
        }
        counts = Collections.unmodifiableMap(tally);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>();
        tally.forEach((token, count) -> sorted.add(Map.entry(token, count)));
        sorted.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        byFrequency = Collections.unmodifiableList(sorted);

        List<String> order = new ArrayList<>();
        order.add(UNK);
        Set<String> seenReserved = new HashSet<>();
        for (String token : reservedTokens) {
            if (token == null) {
                throw new IllegalArgumentException("reservedTokens contains null");
            }
            if (token.equals(UNK)) {
                throw new IllegalArgumentException(UNK + " is always index 0 and must not be listed as a reserved token");
            }
            if (!seenReserved.add(token)) {
                throw new IllegalArgumentException("reserved token '" + token + "' is listed twice");
            }
            order.add(token);
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            index.put(order.get(i), i);
        }
        for (Map.Entry<String, Integer> entry : sorted) {
            if (entry.getValue() >= minFreq && !index.containsKey(entry.getKey())) {
                index.put(entry.getKey(), order.size());
                order.add(entry.getKey());
            }
        }
        indexToToken = Collections.unmodifiableList(order);
        tokenToIndex = Collections.unmodifiableMap(index);
    }

    /** Number of tokens including {@value #UNK}: the width of the one-hot vectors. */
    public int size() {
        return indexToToken.size();
    }

    /** Index of {@value #UNK}, which is always 0. */
    public int unkIndex() {
        return 0;
    }

    public boolean contains(String token) {
        return tokenToIndex.containsKey(Objects.requireNonNull(token, "token must not be null"));
    }

    /** Index of {@code token}, or {@link #unkIndex()} when it is not in the vocabulary. */
    public int indexOf(String token) {
        return tokenToIndex.getOrDefault(Objects.requireNonNull(token, "token must not be null"), 0);
    }

    public String tokenAt(int index) {
        if (index < 0 || index >= indexToToken.size()) {
            throw new IndexOutOfBoundsException("token index " + index + " is outside the vocabulary: valid indices are 0.."
                    + (indexToToken.size() - 1));
        }
        return indexToToken.get(index);
    }

    /** All tokens, position = index. */
    public List<String> tokens() {
        return indexToToken;
    }

    /** How often {@code token} occurred in the text the vocabulary was built from (0 if never). */
    public int frequency(String token) {
        return counts.getOrDefault(Objects.requireNonNull(token, "token must not be null"), 0);
    }

    /**
     * Every distinct token of the source text with its count, most frequent first (ties in string
     * order), including tokens that {@code minFreq} kept out of the vocabulary.
     */
    public List<Map.Entry<String, Integer>> tokenFrequencies() {
        return byFrequency;
    }

    public int[] encode(List<String> tokens) {
        Objects.requireNonNull(tokens, "tokens to encode must not be null");
        int[] indices = new int[tokens.size()];
        for (int i = 0; i < indices.length; i++) {
            String token = tokens.get(i);
            if (token == null) {
                throw new IllegalArgumentException("tokens to encode contain null at position " + i);
            }
            indices[i] = indexOf(token);
        }
        return indices;
    }

    public List<String> decode(int[] indices) {
        Objects.requireNonNull(indices, "indices to decode must not be null");
        List<String> tokens = new ArrayList<>(indices.length);
        for (int index : indices) {
            tokens.add(tokenAt(index));
        }
        return tokens;
    }

    /** Decoded tokens joined without separator, which reads as text for character tokens. */
    public String decodeToString(int[] indices) {
        return String.join("", decode(indices));
    }

    @Override
    public String toString() {
        int shown = Math.min(size(), 10);
        return "Vocab(size " + size() + ": " + indexToToken.subList(0, shown) + (shown < size() ? " ...)" : ")");
    }
}
