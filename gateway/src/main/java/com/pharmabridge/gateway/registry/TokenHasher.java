package com.pharmabridge.gateway.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Device tokens: 256 random bits, shown once, stored as a salted SHA-256. A fast hash is enough for secrets of this
 * entropy (nobody can enumerate 2^256 candidates); salting keeps equal tokens from showing as equal hashes.
 */
public final class TokenHasher {
    static final String TOKEN_PREFIX = "pbt_";
    private static final String SCHEME = "sha256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** Compared against when the device id is unknown, so both failures take the same time. */
    private static final String DECOY = hash("decoy-token-that-matches-nothing");

    private TokenHasher() {
    }

    /** @return true for text shaped like a token this class issues: such text is never logged or audited */
    public static boolean looksLikeToken(String text) {
        return text != null && text.startsWith(TOKEN_PREFIX) && text.length() >= TOKEN_PREFIX.length() + 16;
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return TOKEN_PREFIX + B64.encodeToString(bytes);
    }

    public static String hash(String token) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return SCHEME + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(digest(salt, token));
    }

    /** Constant-time check; a {@code null} or malformed stored hash never matches. */
    public static boolean matches(String token, String storedHash) {
        String stored = storedHash == null ? DECOY : storedHash;
        String[] parts = stored.split("\\$");
        if (parts.length != 3 || !parts[0].equals(SCHEME) || token == null) {
            digest(new byte[16], token == null ? "" : token);
            return false;
        }
        try {
            byte[] expected = B64D.decode(parts[2]);
            byte[] actual = digest(B64D.decode(parts[1]), token);
            return MessageDigest.isEqual(expected, actual) && storedHash != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] digest(byte[] salt, String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
