package com.pharmabridge.gateway.api;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The operator's password for the line view, kept only as a PBKDF2-HMAC-SHA256 hash:
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}. A person's password has far less entropy than a
 * device token, so unlike {@code TokenHasher} this hash is deliberately slow.
 */
public final class AdminCredential {
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final Pattern FORMAT =
            Pattern.compile(SCHEME + "\\$(\\d{4,9})\\$([A-Za-z0-9+/=]{16,})\\$([A-Za-z0-9+/=]{32,})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminCredential() {
    }

    public static String hash(char[] password) {
        return hash(password, DEFAULT_ITERATIONS);
    }

    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    /** @return whether {@code value} has the form of a hash this class makes (says nothing of its password) */
    public static boolean isHash(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    /** Constant-time comparison; a malformed stored hash never matches. Slow by design: not on an event loop. */
    public static boolean matches(char[] password, String storedHash) {
        java.util.regex.Matcher m = storedHash == null ? null : FORMAT.matcher(storedHash);
        if (m == null || !m.matches() || password == null) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(m.group(2));
            byte[] expected = Base64.getDecoder().decode(m.group(3));
            return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(m.group(1))));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Wipes a password once it is no longer needed. */
    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
