package com.pharmabridge.gateway.bridge;

import io.nats.client.impl.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

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
    /** Each key's hash, compared before the key: replacing is rare, and comparing every key was 3.6 % of a loop. */
    private int[] keyHashes = new int[12];
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
        int hash = key.hashCode();
        for (int i = 0; i < size; i += 2) {
            if (keyHashes[i >> 1] == hash && keysAndValues[i].equals(key)) {
                serializedLength += value.length() - keysAndValues[i + 1].length();
                keysAndValues[i + 1] = value;
                return this;
            }
        }
        if (size == keysAndValues.length) {
            keysAndValues = Arrays.copyOf(keysAndValues, size * 2);
            keyHashes = Arrays.copyOf(keyHashes, size);
        }
        keyHashes[size >> 1] = hash;
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
        // Assembled in a scratch array and written with one copy: Netty's per-character ASCII writes were 4 % of an
        // event loop's time. Keys and values are ASCII, so each char's low byte is the byte.
        byte[] scratch = SCRATCH.get();
        if (scratch.length < serializedLength) {
            scratch = new byte[Math.max(serializedLength, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        System.arraycopy(VERSION_LINE, 0, scratch, 0, VERSION_LINE.length);
        int at = VERSION_LINE.length;
        for (int i = 0; i < size; i += 2) {
            at = copyAscii(keysAndValues[i], scratch, at);
            scratch[at++] = ':';
            at = copyAscii(keysAndValues[i + 1], scratch, at);
            scratch[at++] = '\r';
            scratch[at++] = '\n';
        }
        scratch[at++] = '\r';
        scratch[at++] = '\n';
        out.writeBytes(scratch, 0, at);
    }

    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[1024];
        }
    };

    @SuppressWarnings("deprecation") // the low byte of each char is exactly what is wanted for ASCII
    private static int copyAscii(String text, byte[] into, int at) {
        text.getBytes(0, text.length(), into, at);
        return at + text.length();
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
        if (!isPrintableAscii(value)) {
            throw new IllegalArgumentException("Header values are printable ASCII only");
        }
    }

    /** Whether {@code value} may be a header value as it is (what {@link #put} checks). */
    public static boolean isPrintableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
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
