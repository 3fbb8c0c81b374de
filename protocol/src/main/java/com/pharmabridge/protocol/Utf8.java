package com.pharmabridge.protocol;

/**
 * Strict UTF-8 check (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Jackson only decodes the
 * strings it is asked for, so invalid bytes in skipped parts of a payload would otherwise be forwarded as they are.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** @return true when the range is valid UTF-8 and holds no NUL byte (never legal unescaped in JSON text) */
    public static boolean isValidJsonText(byte[] bytes, int offset, int length) {
        return check(bytes, offset, length, false);
    }

    /** @return true when the range is valid UTF-8: decoding it to a string and encoding that again gives the same bytes */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        return check(bytes, offset, length, true);
    }

    private static boolean check(byte[] bytes, int offset, int length, boolean nulAllowed) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes[i];
            if (b > 0) {
                i++;
            } else if (b == 0) {
                if (!nulAllowed) {
                    return false;
                }
                i++;
            } else if ((i = sequenceEnd(bytes, i, end)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The strict UTF-8 sequence starting with the non-ASCII byte at {@code i}, as {@link #isValidJsonText} checks it.
     *
     * @return the index after the sequence, or -1 when it is not valid
     */
    static int sequenceEnd(byte[] bytes, int i, int end) {
        int lead = bytes[i] & 0xFF;
        int needed;
        int min;
        if (lead >= 0xC2 && lead <= 0xDF) {
            needed = 1;
            min = 0x80;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            needed = 2;
            min = 0x800;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            needed = 3;
            min = 0x10000;
        } else {
            return -1;
        }
        if (i + needed >= end) {
            return -1;
        }
        int codePoint = lead & (0x3F >> needed);
        for (int k = 1; k <= needed; k++) {
            int next = bytes[i + k] & 0xFF;
            if ((next & 0xC0) != 0x80) {
                return -1;
            }
            codePoint = (codePoint << 6) | (next & 0x3F);
        }
        if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
            return -1;
        }
        return i + needed + 1;
    }

    /** @return the index of the first byte that is not JSON white space, or {@code offset + length} */
    static int skipWhitespace(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i;
    }
}
