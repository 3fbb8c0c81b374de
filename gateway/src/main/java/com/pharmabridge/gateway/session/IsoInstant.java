package com.pharmabridge.gateway.session;

import java.time.Instant;

/**
 * {@link Instant#toString()} (ISO-8601, fraction in groups of three digits, as many as needed) without re-formatting
 * the date and time of day for every message: the text up to the seconds is kept for the current second. The result
 * is the same string, character for character.
 */
final class IsoInstant {
    /** The formatted second, without its 'Z'. Immutable, so sharing it between event loops needs no lock. */
    private record Second(long epochSecond, String prefix) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private IsoInstant() {
    }

    static String format(Instant instant) {
        long second = instant.getEpochSecond();
        Second cached = last;
        if (cached.epochSecond != second) {
            String whole = Instant.ofEpochSecond(second).toString();
            cached = new Second(second, whole.substring(0, whole.length() - 1));
            last = cached;
        }
        int nano = instant.getNano();
        if (nano == 0) {
            return cached.prefix + 'Z';
        }
        int digits;
        int value;
        if (nano % 1_000_000 == 0) {
            digits = 3;
            value = nano / 1_000_000;
        } else if (nano % 1_000 == 0) {
            digits = 6;
            value = nano / 1_000;
        } else {
            digits = 9;
            value = nano;
        }
        String prefix = cached.prefix;
        char[] out = new char[prefix.length() + 2 + digits];
        prefix.getChars(0, prefix.length(), out, 0);
        int p = prefix.length();
        out[p] = '.';
        for (int i = p + digits; i > p; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }
}
