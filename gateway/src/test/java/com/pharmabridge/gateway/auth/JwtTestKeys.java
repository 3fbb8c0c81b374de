package com.pharmabridge.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Test-time signing keys and credentials: generated fresh in every run, never stored in the repository. */
public final class JwtTestKeys {
    private JwtTestKeys() {
    }

    public static KeyPair ec256() {
        return generate("EC", new ECGenParameterSpec("secp256r1"), 0);
    }

    public static KeyPair ec384() {
        return generate("EC", new ECGenParameterSpec("secp384r1"), 0);
    }

    public static KeyPair rsa2048() {
        return generate("RSA", null, 2048);
    }

    public static KeyPair rsa(int bits) {
        return generate("RSA", null, bits);
    }

    public static KeyPair ed25519() {
        return generate("Ed25519", null, 0);
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec curve, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                generator.initialize(curve);
            } else if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public half as {@code -----BEGIN PUBLIC KEY-----}, as {@code openssl pkey -pubout} would. */
    public static Path writePublicPem(Path dir, String name, PublicKey key) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return Files.writeString(dir.resolve(name), "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
    }

    /** Claims of a device credential valid from a minute ago for {@code lifetimeSeconds}. */
    public static JWTClaimsSet.Builder claims(String deviceId, String type, long lifetimeSeconds) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(deviceId)
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
                .claim("type", type)
                .claim("attrs", Map.of("line", "line1", "plant", "chicago"))
                .claim("publish", List.of("telemetry.${line}.${deviceId}.>", "alerts.${plant}.>"))
                .claim("subscribe", List.of("commands.${line}.${deviceId}.>"))
                .claim("deny", List.of("alerts.${plant}.secret"));
    }

    public static String sign(KeyPair pair, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
            jwt.sign(signer(pair));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HMAC-signed token: the classic attack signs with the public key's bytes as the shared secret. */
    public static String hmac(byte[] secret, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured token ({@code alg: none}), with an empty signature part. */
    public static String unsigned(String kid, JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"none\",\"kid\":\"" + kid + "\"}";
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static JWSSigner signer(KeyPair pair) throws JOSEException {
        return switch (pair.getPrivate().getAlgorithm()) {
            case "RSA" -> new RSASSASigner(pair.getPrivate());
            case "EC" -> new ECDSASigner((ECPrivateKey) pair.getPrivate());
            default -> new Ed25519Signer(okp(pair));
        };
    }

    /** The JDK's Ed25519 key pair as a JWK: the raw 32-byte keys end the X.509 and PKCS#8 encodings. */
    private static OctetKeyPair okp(KeyPair pair) {
        byte[] pub = pair.getPublic().getEncoded();
        byte[] priv = pair.getPrivate().getEncoded();
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(pub, pub.length - 32, pub.length)))
                .d(Base64URL.encode(Arrays.copyOfRange(priv, priv.length - 32, priv.length)))
                .build();
    }
}
