package com.pharmabridge.gateway.bridge;

import io.nats.client.impl.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/**
 * The headers the gateway puts on a message, in the order set, serialised as NATS does ({@code NATS/1.0}, then
 * {@code Key:Value} lines, byte for byte as jnats writes them). Keys are the gateway's own constants; values must be
 * printable ASCII, which {@link #put} checks as it stores them. jnats' own {@link Headers} re-validates every key
 * character, keeps a map of lists and copies itself per message; on the hot path that cost more than the rest of the
 * header work, so jnats' type is built only where jnats carries the message ({@link #toJnats()}).
 */
public final class NatsHeaders {
    private static final byte[] VERSION_LINE = {'N', 'A', 'T', 'S', '/', '1', '.', '0', '\r', '\n'};

    private String[] keysAndValues = new String[24]; // room for every header the gateway sets
    private int size;
    private int serializedLength = VERSION_LINE.length + 2;

    /**
     * Sets {@code key} (replacing an earlier value of the same key).
     *
     * @throws IllegalArgumentException when the value holds anything but printable ASCII (it would break the framing)
     */
    public NatsHeaders put(String key, String value) {
        requirePrintableAscii(value);
        return putVerified(key, value);
    }

    /**
     * As {@link #put} for a value already known to be printable ASCII: one the gateway made itself (a digest, a
     * formatted time) or checked on the way in. Half of the header characters of a publish are such values.
     */
    public NatsHeaders putVerified(String key, String value) {
        for (int i = 0; i < size; i += 2) {
            if (keysAndValues[i].equals(key)) {
                serializedLength += value.length() - keysAndValues[i + 1].length();
                keysAndValues[i + 1] = value;
                return this;
            }
        }
        if (size == keysAndValues.length) {
            keysAndValues = Arrays.copyOf(keysAndValues, size * 2);
        }
        keysAndValues[size++] = key;
        keysAndValues[size++] = value;
        serializedLength += key.length() + 1 + value.length() + 2;
        return this;
    }

    /** The value of {@code key}, or {@code null}. */
    public String get(String key) {
        for (int i = 0; i < size; i += 2) {
            if (keysAndValues[i].equals(key)) {
                return keysAndValues[i + 1];
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes of the header block, blank line included. */
    public int serializedLength() {
        return serializedLength;
    }

    /** Appends the header block to {@code out}. */
    void writeTo(ByteBuf out) {
        out.ensureWritable(serializedLength);
        out.writeBytes(VERSION_LINE);
        for (int i = 0; i < size; i += 2) {
            writeAscii(out, keysAndValues[i]);
            out.writeByte(':');
            writeAscii(out, keysAndValues[i + 1]);
            out.writeByte('\r').writeByte('\n');
        }
        out.writeByte('\r').writeByte('\n');
    }

    private static void writeAscii(ByteBuf out, String text) {
        // Netty's bulk ASCII copy: a writeByte per character cost more than the rest of the header work together.
        ByteBufUtil.writeAscii(out, text);
    }

    /** The same headers as jnats' type, for messages jnats carries. */
    public Headers toJnats() {
        Headers headers = new Headers();
        for (int i = 0; i < size; i += 2) {
            headers.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return headers;
    }

    private static void requirePrintableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("Header values are printable ASCII only");
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < size; i += 2) {
            text.append(keysAndValues[i]).append(':').append(keysAndValues[i + 1]).append("; ");
        }
        return text.toString();
    }
}
