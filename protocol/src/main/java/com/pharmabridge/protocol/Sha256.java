package com.pharmabridge.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, which every Java runtime has: digests and their lower-case hex form. */
public final class Sha256 {
    private Sha256() {
    }

    /**
     * One digest per thread, reused: looking SHA-256 up in the security providers costs more than hashing a 200-byte
     * payload, and the gateway hashes every message it publishes.
     */
    private static final ThreadLocal<MessageDigest> PER_THREAD = ThreadLocal.withInitial(Sha256::newDigest);

    public static byte[] digest(byte[] data) {
        MessageDigest digest = PER_THREAD.get();
        digest.reset(); // a digest left half-fed by an exception must not leak into the next one
        return digest.digest(data);
    }

    public static String hex(byte[] data) {
        return lowerHex(digest(data));
    }

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** As {@link HexFormat#formatHex}, without its general delimiter and prefix handling (2 % of a publish). */
    static String lowerHex(byte[] bytes) {
        byte[] text = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            text[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xF];
            text[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xF];
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** @return the hex digest of {@code text}'s UTF-8 bytes */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return a fresh digest, for data fed in parts */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
