package com.pharmabridge.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;

/**
 * Builds one outbound envelope as JSON text. Payloads that are already JSON are spliced in unchanged; nothing is
 * re-serialised. Not thread-safe: one writer per message.
 */
public final class EnvelopeWriter {
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private final StringBuilder out;

    private EnvelopeWriter(MessageType type, int sizeHint) {
        out = new StringBuilder(sizeHint);
        out.append("{\"type\":").append(type.code());
    }

    public static EnvelopeWriter of(MessageType type) {
        return new EnvelopeWriter(type, 128);
    }

    public static EnvelopeWriter of(MessageType type, int payloadSizeHint) {
        return new EnvelopeWriter(type, 160 + payloadSizeHint);
    }

    /** Adds a string field; {@code null} values are left out. */
    public EnvelopeWriter field(String name, String value) {
        if (value != null) {
            out.append(",\"").append(name).append("\":\"");
            ENCODER.quoteAsString(value, out);
            out.append('"');
        }
        return this;
    }

    public EnvelopeWriter subject(String subject) {
        return field("subject", subject);
    }

    public EnvelopeWriter correlationId(String correlationId) {
        return field("correlationId", correlationId);
    }

    /** Adds {@code payload} from bytes that are known to be one valid JSON value. */
    public EnvelopeWriter rawPayload(byte[] json, int offset, int length) {
        out.append(",\"payload\":").append(new String(json, offset, length, StandardCharsets.UTF_8));
        return this;
    }

    public EnvelopeWriter rawPayload(byte[] json) {
        return rawPayload(json, 0, json.length);
    }

    /** Adds {@code payload} from text that is known to be one valid JSON value. */
    public EnvelopeWriter rawPayload(CharSequence json) {
        out.append(",\"payload\":").append(json);
        return this;
    }

    /** Adds {@code payload} as JSON when the bytes are JSON, and as a JSON string of their text otherwise. */
    public EnvelopeWriter dataPayload(byte[] data) {
        if (data != null && data.length > 0 && JsonValues.isSingleJsonValue(data)) {
            return rawPayload(data);
        }
        out.append(",\"payload\":\"");
        if (data != null) {
            ENCODER.quoteAsString(new String(data, StandardCharsets.UTF_8), out);
        }
        out.append('"');
        return this;
    }

    public String build() {
        return out.append('}').toString();
    }

    /** Appends {@code value} as a quoted JSON string to {@code target}; for building small payloads. */
    public static StringBuilder quote(StringBuilder target, String value) {
        if (value == null) {
            return target.append("null");
        }
        target.append('"');
        ENCODER.quoteAsString(value, target);
        return target.append('"');
    }
}
