package com.pharmabridge.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one outbound envelope as JSON text. Payloads that are already JSON are spliced in unchanged; nothing is
 * re-serialised. Not thread-safe: one writer per message.
 *
 * <p>It writes UTF-8 bytes, so that a delivery going straight to the socket ({@link #buildUtf8()}) is not made as a
 * builder, a string and then bytes again: those three copies were a quarter of what a round trip allocated.
 */
public final class EnvelopeWriter {
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private byte[] out;
    private int length;

    private EnvelopeWriter(MessageType type, int sizeHint) {
        out = new byte[sizeHint];
        ascii("{\"type\":");
        ascii(Integer.toString(type.code()));
    }

    public static EnvelopeWriter of(MessageType type) {
        return new EnvelopeWriter(type, 128);
    }

    public static EnvelopeWriter of(MessageType type, int payloadSizeHint) {
        return new EnvelopeWriter(type, 256 + payloadSizeHint); // subject, timestamp, device id and an inbox fit
    }

    /** Adds a string field; {@code null} values are left out. */
    public EnvelopeWriter field(String name, String value) {
        if (value != null) {
            ascii(",\"");
            ascii(name);
            ascii("\":\"");
            quoted(value);
            put((byte) '"');
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
        ascii(",\"payload\":");
        if (Utf8.isValid(json, offset, length)) {
            put(json, offset, length);
        } else { // as the text it decodes to: invalid sequences become U+FFFD, never invalid bytes in a text frame
            utf8(new String(json, offset, length, StandardCharsets.UTF_8));
        }
        return this;
    }

    public EnvelopeWriter rawPayload(byte[] json) {
        return rawPayload(json, 0, json.length);
    }

    /** Adds {@code payload} from text that is known to be one valid JSON value. */
    public EnvelopeWriter rawPayload(CharSequence json) {
        ascii(",\"payload\":");
        utf8(json.toString());
        return this;
    }

    /** Adds {@code payload} as JSON when the bytes are JSON, and as a JSON string of their text otherwise. */
    public EnvelopeWriter dataPayload(byte[] data) {
        if (data != null && data.length > 0 && JsonValues.isSingleJsonValue(data)) {
            return rawPayload(data);
        }
        ascii(",\"payload\":\"");
        if (data != null) {
            quoted(new String(data, StandardCharsets.UTF_8));
        }
        put((byte) '"');
        return this;
    }

    public String build() {
        put((byte) '}');
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }

    /** The envelope as the UTF-8 bytes of a text frame. */
    public byte[] buildUtf8() {
        put((byte) '}');
        return length == out.length ? out : Arrays.copyOf(out, length);
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

    /** {@code value}'s characters as JSON string content: printable ASCII directly, the rest as Jackson escapes it. */
    private void quoted(String value) {
        int n = value.length();
        room(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                StringBuilder rest = new StringBuilder(n - i + 16);
                ENCODER.quoteAsString(value.substring(i), rest);
                utf8(rest.toString());
                return;
            }
            out[length++] = (byte) c;
        }
    }

    /** Text known to be ASCII (names and literals of this class). */
    private void ascii(String text) {
        int n = text.length();
        room(n);
        for (int i = 0; i < n; i++) {
            out[length++] = (byte) text.charAt(i);
        }
    }

    /**
     * {@code text} (JSON, or JSON string content) as UTF-8. A lone surrogate has no UTF-8 form ({@code getBytes}
     * would put a '?' in its place, silently changing a device's value): it is written as its JSON escape, which
     * reads back as the same string. It can only stand inside a string literal, so the escape is always legal there.
     */
    private void utf8(String text) {
        byte[] bytes = (hasLoneSurrogate(text) ? escapeLoneSurrogates(text) : text).getBytes(StandardCharsets.UTF_8);
        put(bytes, 0, bytes.length);
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String escapeLoneSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private void put(byte[] bytes, int offset, int count) {
        room(count);
        System.arraycopy(bytes, offset, out, length, count);
        length += count;
    }

    private void put(byte b) {
        room(1);
        out[length++] = b;
    }

    private void room(int more) {
        if (length + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
        }
    }
}
