package com.pharmabridge.gateway.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.pharmabridge.gateway.config.GatewayConfig;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies signed device credentials: compact JWS tokens signed by one of the configured public keys, chosen by the
 * header's {@code kid}. What is checked, in order: the form, the algorithm (never {@code none} or HMAC, and only one
 * that fits the key's type and curve), the signature (by nimbus-jose-jwt), then {@code exp} (required), {@code nbf} and
 * {@code iat} with the clock skew, {@code iss} and {@code aud} when configured, {@code sub} against the device id the
 * Auth names, and the shape of the claims {@code type}, {@code attrs}, {@code publish}, {@code subscribe} and
 * {@code deny}. Every failure is an {@link Authenticator.AuthenticationException} whose reason is for operators only.
 */
public final class JwtVerifier {
    /** Three base64url parts; the signature may be empty (as with {@code alg: none}), which is then refused. */
    private static final Pattern JWT_FORM = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final int MAX_ATTRIBUTES = 64;
    private static final int MAX_ATTRIBUTE_LENGTH = 256;
    private static final int MAX_PATTERNS = 256;
    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> ED25519_ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    /** The X.509 SubjectPublicKeyInfo prefix of every Ed25519 key; the raw 32-byte key follows it. */
    private static final int ED25519_SPKI_PREFIX = 12;

    private final Map<String, VerificationKey> keys;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;

    /** One configured key: who verifies with it and which algorithms a token signed by it may name. */
    private record VerificationKey(String kid, JWSVerifier verifier, Set<JWSAlgorithm> algorithms) {
    }

    /** What a verified credential says about the device. */
    public record Credential(String deviceId, String type, Map<String, String> attributes, List<String> publish,
                             List<String> subscribe, List<String> deny, Instant expiresAt) {
    }

    /**
     * @param keys     public keys by key id
     * @param issuer   required {@code iss}, or {@code null}/blank for any
     * @param audience required member of {@code aud}, or {@code null}/blank for any
     */
    public JwtVerifier(Map<String, PublicKey> keys, String issuer, String audience, Duration clockSkew, Clock clock) {
        Map<String, VerificationKey> built = new LinkedHashMap<>();
        keys.forEach((kid, key) -> built.put(kid, verificationKey(kid, key)));
        this.keys = Map.copyOf(built);
        this.issuer = issuer == null || issuer.isBlank() ? null : issuer;
        this.audience = audience == null || audience.isBlank() ? null : audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /**
     * @return the verifier for the configured keys, or {@code null} when signed credentials are off
     * @throws IllegalStateException naming the key whose file cannot be used
     */
    public static JwtVerifier fromConfig(GatewayConfig.Jwt config) {
        if (config == null || !config.enabled()) {
            return null;
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < config.keys().size(); i++) {
            GatewayConfig.JwtKey key = config.keys().get(i);
            try {
                keys.put(key.kid(), PemKeys.readPublicKey(key.file()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("auth.jwt.keys[" + i + "].file: " + e.getMessage(), e);
            }
        }
        return new JwtVerifier(keys, config.issuer(), config.audience(), config.clockSkew(), Clock.systemUTC());
    }

    /** @return true when {@code token} has the form of a compact JWS: three base64url parts separated by dots */
    public static boolean looksLikeJwt(String token) {
        return token != null && token.length() <= MAX_TOKEN_LENGTH && JWT_FORM.matcher(token).matches();
    }

    /** @return the JWS algorithm that fits this EC key's curve, or {@code null} for curves not accepted */
    static JWSAlgorithm curveAlgorithm(ECPublicKey key) {
        Curve curve = Curve.forECParameterSpec(key.getParams());
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        }
        if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        }
        if (Curve.P_521.equals(curve)) {
            return JWSAlgorithm.ES512;
        }
        return null;
    }

    private static VerificationKey verificationKey(String kid, PublicKey key) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                if (rsa.getModulus().bitLength() < PemKeys.MIN_RSA_BITS) {
                    throw new IllegalArgumentException("key " + kid + ": RSA keys need at least "
                            + PemKeys.MIN_RSA_BITS + " bits");
                }
                return new VerificationKey(kid, new RSASSAVerifier(rsa), RSA_ALGORITHMS);
            }
            if (key instanceof ECPublicKey ec) {
                JWSAlgorithm algorithm = curveAlgorithm(ec);
                if (algorithm == null) {
                    throw new IllegalArgumentException("key " + kid + ": EC keys must be on P-256, P-384 or P-521");
                }
                return new VerificationKey(kid, new ECDSAVerifier(ec), Set.of(algorithm));
            }
            if (key instanceof EdECPublicKey ed && ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
                byte[] spki = ed.getEncoded();
                byte[] raw = Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX, spki.length);
                OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID(kid).build();
                return new VerificationKey(kid, new Ed25519Verifier(jwk), ED25519_ALGORITHMS);
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key " + kid + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("key " + kid + ": " + key.getAlgorithm()
                + " keys are not supported (RSA, EC or Ed25519)");
    }

    /**
     * @param deviceId the device id the Auth message names; the credential's {@code sub} must equal it
     * @return the verified claims
     * @throws Authenticator.AuthenticationException with a reason such as "jwt expired" or "jwt unknown kid"
     */
    public Credential verify(String token, String deviceId) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            throw fail("jwt too long");
        }
        if (!JWT_FORM.matcher(token).matches()) {
            throw fail("jwt malformed");
        }
        String[] parts = token.split("\\.", -1);
        Header header;
        try {
            header = Header.parse(new Base64URL(parts[0]));
        } catch (ParseException | RuntimeException e) {
            throw fail("jwt malformed header");
        }
        Algorithm algorithm = header.getAlgorithm();
        if (algorithm == null || Algorithm.NONE.equals(algorithm)) {
            throw fail("jwt alg none");
        }
        if (!(header instanceof JWSHeader jwsHeader)) {
            throw fail("jwt not signed (alg " + algorithm + ")");
        }
        JWSAlgorithm jwsAlgorithm = jwsHeader.getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(jwsAlgorithm)) {
            throw fail("jwt alg " + jwsAlgorithm + " (HMAC) not allowed");
        }
        String kid = jwsHeader.getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw fail("jwt without kid");
        }
        VerificationKey key = keys.get(kid);
        if (key == null) {
            throw fail("jwt unknown kid '" + printable(kid) + "'");
        }
        if (!key.algorithms().contains(jwsAlgorithm)) {
            throw fail("jwt alg " + jwsAlgorithm + " not allowed for key " + kid);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw fail("jwt malformed");
        }
        boolean signatureOk;
        try {
            signatureOk = jwt.verify(key.verifier());
        } catch (JOSEException | RuntimeException e) {
            throw fail("jwt bad signature (kid " + kid + "): " + e.getMessage());
        }
        if (!signatureOk) {
            throw fail("jwt bad signature (kid " + kid + ")");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw fail("jwt claims malformed");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw fail("jwt without exp");
        }
        Instant expiresAt = exp.toInstant().plus(clockSkew);
        if (!now.isBefore(expiresAt)) {
            throw fail("jwt expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            throw fail("jwt not yet valid");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(clockSkew).isBefore(iat.toInstant())) {
            throw fail("jwt issued in the future");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw fail("jwt wrong issuer");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw fail("jwt wrong audience");
        }
        String subject = claims.getSubject();
        if (subject == null || !subject.equals(deviceId)) {
            throw fail("jwt sub does not match the device id");
        }
        if (!ID.matcher(subject).matches()) {
            throw fail("jwt sub is not a valid device id");
        }
        Object type = claims.getClaim("type");
        if (!(type instanceof String typeName) || !ID.matcher(typeName).matches()) {
            throw fail("jwt type claim missing or malformed");
        }
        return new Credential(subject, typeName, attributes(claims.getClaim("attrs")),
                patterns(claims.getClaim("publish"), "publish"), patterns(claims.getClaim("subscribe"), "subscribe"),
                patterns(claims.getClaim("deny"), "deny"), expiresAt);
    }

    private static Map<String, String> attributes(Object claim) {
        if (claim == null) {
            return Map.of();
        }
        if (!(claim instanceof Map<?, ?> map) || map.size() > MAX_ATTRIBUTES) {
            throw fail("jwt attrs claim malformed");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name) || !ATTRIBUTE_NAME.matcher(name).matches()
                    || !(entry.getValue() instanceof String value) || value.length() > MAX_ATTRIBUTE_LENGTH) {
                throw fail("jwt attrs claim malformed");
            }
            result.put(name, value);
        }
        return result;
    }

    private static List<String> patterns(Object claim, String name) {
        if (claim == null) {
            return List.of();
        }
        if (!(claim instanceof List<?> list) || list.size() > MAX_PATTERNS) {
            throw fail("jwt " + name + " claim malformed");
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String pattern)) {
                throw fail("jwt " + name + " claim malformed");
            }
            result.add(pattern);
        }
        return result;
    }

    private static Authenticator.AuthenticationException fail(String reason) {
        return new Authenticator.AuthenticationException(reason);
    }

    private static String printable(String value) {
        String cleaned = value.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "…" : cleaned;
    }
}
