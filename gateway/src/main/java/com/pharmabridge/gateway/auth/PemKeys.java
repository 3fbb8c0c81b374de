package com.pharmabridge.gateway.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public keys that sign device credentials from PEM files: {@code -----BEGIN PUBLIC KEY-----}
 * (SubjectPublicKeyInfo, as {@code openssl pkey -pubout} writes it) of an RSA (2048 bits or more), EC (P-256, P-384,
 * P-521) or Ed25519 key, or {@code -----BEGIN CERTIFICATE-----}, whose public key is taken.
 */
public final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    static final int MIN_RSA_BITS = 2048;

    private PemKeys() {
    }

    /** @throws IllegalArgumentException saying what is wrong with the file, for a configuration problem */
    public static PublicKey readPublicKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(file + " holds no PEM block (-----BEGIN PUBLIC KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the PEM block is not valid base64");
        }
        PublicKey key = switch (m.group(1)) {
            case "PUBLIC KEY" -> publicKey(der, file);
            case "CERTIFICATE" -> certificateKey(der, file);
            case "RSA PUBLIC KEY" -> throw new IllegalArgumentException(file + " is a PKCS#1 RSA key; convert it with "
                    + "'openssl rsa -RSAPublicKey_in -in FILE -pubout'");
            default -> throw new IllegalArgumentException(file + " holds a " + m.group(1)
                    + ", not a PUBLIC KEY or CERTIFICATE" + (m.group(1).contains("PRIVATE") ? " (never give the gateway a "
                    + "signing key: 'openssl pkey -in FILE -pubout' writes the public half)" : ""));
        };
        checkStrength(key, file);
        return key;
    }

    /**
     * Reads an Ed25519 private key (PKCS#8 PEM, as {@code openssl genpkey -algorithm ed25519} writes it).
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    public static java.security.PrivateKey readEd25519PrivateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Matcher m = BLOCK.matcher(text);
        if (!m.find() || !"PRIVATE KEY".equals(m.group(1))) {
            throw new IllegalArgumentException(file + " holds no PKCS#8 PEM block (-----BEGIN PRIVATE KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
            return KeyFactory.getInstance("Ed25519").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 private key");
        }
    }

    /** @return {@code der} as a PEM block of {@code type} (e.g. {@code PUBLIC KEY}), 64 characters a line */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static PublicKey publicKey(byte[] der, Path file) {
        for (String algorithm : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException e) {
                // not this algorithm; try the next
            }
        }
        throw new IllegalArgumentException(file + " is not an RSA, EC or Ed25519 public key");
    }

    private static PublicKey certificateKey(byte[] der, Path file) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a valid X.509 certificate: " + e.getMessage());
        }
    }

    private static void checkStrength(PublicKey key, Path file) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(file + " is a " + rsa.getModulus().bitLength()
                    + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
        }
        if (key instanceof ECPublicKey ec && JwtVerifier.curveAlgorithm(ec) == null) {
            throw new IllegalArgumentException(file + " is an EC key on a curve other than P-256, P-384 or P-521");
        }
        if (!(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)
                && !(key instanceof java.security.interfaces.EdECPublicKey ed
                && ed.getParams().getName().equalsIgnoreCase("Ed25519"))) {
            throw new IllegalArgumentException(file + " holds a " + key.getAlgorithm()
                    + " key; RSA, EC (P-256, P-384, P-521) and Ed25519 keys are supported");
        }
    }
}
