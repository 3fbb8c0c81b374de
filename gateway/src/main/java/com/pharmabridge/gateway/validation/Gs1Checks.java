package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Month;

/**
 * GS1 rules for the data of a serialization payload, checked on the top-level fields present: {@code gtin} (AI 01),
 * {@code expiry} (AI 17), {@code lot} (AI 10), {@code serial} (AI 21). Allocates nothing unless a check fails.
 */
final class Gs1Checks {
    static final int MAX_LOT_LENGTH = 20;
    static final int MAX_SERIAL_LENGTH = 20;

    private Gs1Checks() {
    }

    /** A failed GS1 check: the JSON pointer of the field and the reason. */
    record Failure(String pointer, String reason) {
    }

    /** @return the first failed check, or {@code null} when every field present passes */
    static Failure check(JsonNode payload) {
        if (!payload.isObject()) {
            return null;
        }
        JsonNode gtin = payload.get("gtin");
        if (gtin != null) {
            String reason = gtin(gtin);
            if (reason != null) {
                return new Failure("/gtin", reason);
            }
        }
        JsonNode expiry = payload.get("expiry");
        if (expiry != null && !isRealDate(expiry)) {
            return new Failure("/expiry", "expiry (17) is not a real date YYMMDD");
        }
        JsonNode lot = payload.get("lot");
        if (lot != null && textLength(lot) > MAX_LOT_LENGTH) {
            return new Failure("/lot", "lot (10) longer than " + MAX_LOT_LENGTH + " characters");
        }
        JsonNode serial = payload.get("serial");
        if (serial != null && textLength(serial) > MAX_SERIAL_LENGTH) {
            return new Failure("/serial", "serial (21) longer than " + MAX_SERIAL_LENGTH + " characters");
        }
        return null;
    }

    /** @return why {@code node} is not a GTIN-14 with a correct check digit, or {@code null} */
    static String gtin(JsonNode node) {
        String gtin = node.isTextual() ? node.textValue() : null;
        if (gtin == null || gtin.length() != 14 || !digits(gtin, 0, 14)) {
            return "GTIN (01) must be 14 digits";
        }
        int expected = checkDigit(gtin);
        if (gtin.charAt(13) - '0' != expected) {
            return "GTIN check digit is wrong (expected " + expected + ")";
        }
        return null;
    }

    /** The GS1 mod-10 check digit of a GTIN-14's first 13 digits: weights 3, 1, 3, … from the right. */
    static int checkDigit(String gtin14) {
        int sum = 0;
        for (int i = 0; i < 13; i++) {
            int digit = gtin14.charAt(12 - i) - '0';
            sum += (i % 2 == 0) ? 3 * digit : digit;
        }
        return (10 - sum % 10) % 10;
    }

    /**
     * YYMMDD with a month 01-12 and a day that exists in that month. As the GS1 General Specifications allow for
     * AI (17), day 00 stands for the last day of the month. The century only matters for 29 February, and within
     * GS1's century window (this year -49 to +50) every year YY divisible by 4 is a leap year, 2000 included.
     */
    static boolean isRealDate(JsonNode node) {
        String date = node.isTextual() ? node.textValue() : null;
        if (date == null || date.length() != 6 || !digits(date, 0, 6)) {
            return false;
        }
        int yy = twoDigits(date, 0);
        int month = twoDigits(date, 2);
        int day = twoDigits(date, 4);
        if (month < 1 || month > 12) {
            return false;
        }
        return day == 0 || day <= Month.of(month).length(yy % 4 == 0);
    }

    private static int textLength(JsonNode node) {
        return node.isTextual() ? node.textValue().codePointCount(0, node.textValue().length()) : node.toString().length();
    }

    private static int twoDigits(String s, int at) {
        return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
