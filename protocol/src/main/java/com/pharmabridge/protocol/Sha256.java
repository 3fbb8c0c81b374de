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
    private static final HexFormat HEX = HexFormat.of();

    public static byte[] digest(byte[] data) {
        MessageDigest digest = PER_THREAD.get();
        digest.reset(); // a digest left half-fed by an exception must not leak into the next one
        return digest.digest(data);
    }

    public static String hex(byte[] data) {
        return HEX.formatHex(digest(data));
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
