package com.pharmabridge.protocol;

import java.util.function.Function;

/**
 * What was worked out for recently seen subjects, for answers that depend on the subject alone: a device publishes to
 * the same few subjects over and over, and matching patterns or checking tokens for each message cost several per
 * cent of an event loop's time. Two-way set-associative by the subject's hash (a set keeps its two most recent
 * subjects); shared by threads without locks: entries are immutable, so a race costs at most a second computation.
 *
 * @param <V> the answer; computed by the function given to {@link #get}, which must depend on the subject alone
 */
public final class RecentSubjects<V> {
    private record Entry<V>(String subject, V value) {
    }

    private final Entry<V>[] entries;
    private final int shift;

    /** @param sets a power of two; memory is two references per set, plus the subjects and answers held */
    @SuppressWarnings("unchecked")
    public RecentSubjects(int sets) {
        if (Integer.bitCount(sets) != 1 || sets < 2) {
            throw new IllegalArgumentException("sets must be a power of two");
        }
        entries = (Entry<V>[]) new Entry[2 * sets];
        shift = 32 - Integer.numberOfTrailingZeros(sets);
    }

    /**
     * The answer for {@code subject}, computed by {@code compute} unless remembered. Subjects longer than a valid one
     * can be are not remembered: a device could otherwise make the cache hold megabytes of them.
     */
    public V get(String subject, Function<String, V> compute) {
        if (subject.length() > Subjects.MAX_LENGTH) {
            return compute.apply(subject);
        }
        int set = ((subject.hashCode() * 0x9E3779B9) >>> shift) << 1; // Fibonacci hashing spreads similar subjects
        Entry<V> first = entries[set];
        if (first != null && first.subject().equals(subject)) {
            return first.value();
        }
        Entry<V> second = entries[set + 1];
        if (second != null && second.subject().equals(subject)) {
            return second.value();
        }
        V value = compute.apply(subject);
        entries[set + 1] = first;
        entries[set] = new Entry<>(subject, value);
        return value;
    }
}
