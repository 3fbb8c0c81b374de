package com.pharmabridge.sdk.store;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the {@link OfflineStore} and what happens when they are reached.
 *
 * <p>A store must be bounded: a device that is offline for weeks would otherwise fill its disk and fail in a far
 * less controlled way. What to do when the bound is reached is a stated policy, not an accident:
 * {@link FullPolicy#REFUSE_NEW} (the default) makes {@link OfflineStore#add} throw {@link StoreFullException} so the
 * machine's application can raise an alarm — in a GMP plant a reading lost without anyone knowing is an ALCOA+ finding,
 * a refused reading that raised an alarm is not. {@link FullPolicy#DROP_OLDEST} keeps the newest data instead; every
 * drop is counted in {@link OfflineStore.Stats#dropped()} and logged with its correlation id.
 *
 * @param maxMessages most messages kept at once (&gt; 0)
 * @param maxBytes    most payload bytes kept at once (&gt; 0); only payloads count, see {@link OfflineStore#bytes()}
 * @param maxAge      messages older than this are removed by {@link OfflineStore#expire} (positive)
 * @param whenFull    what {@link OfflineStore#add} does when a new message would exceed a bound
 */
public record StoreLimits(long maxMessages, long maxBytes, Duration maxAge, FullPolicy whenFull) {

    /** What {@link OfflineStore#add} does when the new message would exceed {@code maxMessages} or {@code maxBytes}. */
    public enum FullPolicy {
        /** Refuse the new message with a {@link StoreFullException}; nothing already stored is lost. The default. */
        REFUSE_NEW,
        /** Delete the oldest stored messages until the new one fits; each deletion is counted as dropped and logged. */
        DROP_OLDEST
    }

    /** Validates the bounds: a zero or negative bound would make every add fail, which is a configuration error. */
    public StoreLimits {
        if (maxMessages <= 0) {
            throw new IllegalArgumentException("maxMessages must be > 0, was " + maxMessages);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
        }
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
        }
        Objects.requireNonNull(whenFull, "whenFull");
    }

    /** 100 000 messages, 256 MiB of payload, 7 days, {@link FullPolicy#REFUSE_NEW}. */
    public static StoreLimits defaults() {
        return new StoreLimits(100_000, 256L * 1024 * 1024, Duration.ofDays(7), FullPolicy.REFUSE_NEW);
    }

    /** A copy with another full-policy. */
    public StoreLimits withWhenFull(FullPolicy policy) {
        return new StoreLimits(maxMessages, maxBytes, maxAge, policy);
    }
}
