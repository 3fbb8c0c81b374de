package com.pharmabridge.simulator;

import com.pharmabridge.protocol.EnvelopeWriter;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Writes one flat JSON object. Payloads are built as text, in a fixed field order and with a fixed number of
 * decimals, because the gateway forwards them byte for byte: what is written here is what lands in JetStream.
 */
final class JsonPayload {
    private final StringBuilder out = new StringBuilder(128).append('{');

    private JsonPayload() {
    }

    static JsonPayload object() {
        return new JsonPayload();
    }

    JsonPayload text(String name, String value) {
        EnvelopeWriter.quote(name(name), value);
        return this;
    }

    /** Writes {@code value} rounded half-up to {@code decimals} places, always with that many places. */
    JsonPayload number(String name, double value, int decimals) {
        name(name).append(BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).toPlainString());
        return this;
    }

    JsonPayload integer(String name, long value) {
        name(name).append(value);
        return this;
    }

    JsonPayload bool(String name, boolean value) {
        name(name).append(value);
        return this;
    }

    /** Writes {@code json}, one JSON value built by the caller, as the value of {@code name}. */
    JsonPayload raw(String name, String json) {
        name(name).append(json);
        return this;
    }

    String build() {
        return out.append('}').toString();
    }

    /** Rounds the way {@link #number} writes, so a generator can compare exactly what it publishes. */
    static double round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }

    private StringBuilder name(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        return EnvelopeWriter.quote(out, name).append(':');
    }
}
