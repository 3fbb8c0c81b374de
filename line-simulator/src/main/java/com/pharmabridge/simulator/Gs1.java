package com.pharmabridge.simulator;

/** GS1 check digits (the mod-10 algorithm of GTIN, SSCC, GLN) for GTIN-14. */
public final class Gs1 {
    private Gs1() {
    }

    /**
     * Computes the check digit of a GTIN-14 from its first 13 digits: weights 3 and 1 alternate from the rightmost
     * digit, and the check digit brings the weighted sum up to a multiple of 10.
     *
     * @param first13 exactly 13 ASCII digits
     * @return the check digit, 0..9
     * @throws IllegalArgumentException when {@code first13} is not 13 digits
     */
    public static int checkDigit(String first13) {
        if (first13 == null || first13.length() != 13 || !allDigits(first13)) {
            throw new IllegalArgumentException("Expected 13 digits: " + first13);
        }
        int sum = 0;
        for (int i = 0; i < 13; i++) {
            int digit = first13.charAt(12 - i) - '0';
            sum += (i % 2 == 0) ? 3 * digit : digit;
        }
        return (10 - sum % 10) % 10;
    }

    /** @return true when {@code gtin14} is 14 digits whose last one is the correct check digit */
    public static boolean isValidGtin(String gtin14) {
        if (gtin14 == null || gtin14.length() != 14 || !allDigits(gtin14)) {
            return false;
        }
        return checkDigit(gtin14.substring(0, 13)) == gtin14.charAt(13) - '0';
    }

    /** @return the 14-digit GTIN made of {@code first13} and its check digit */
    public static String withCheckDigit(String first13) {
        return first13 + checkDigit(first13);
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
