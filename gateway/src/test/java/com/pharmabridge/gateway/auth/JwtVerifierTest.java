package com.pharmabridge.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signed device credentials: what verifies, and the operator-only reason for each refusal. */
class JwtVerifierTest {
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static KeyPair ec;
    private static KeyPair rsa;
    private static KeyPair ed;
    private static KeyPair otherEc;
    private static JwtVerifier verifier;

    @BeforeAll
    static void keys() {
        ec = JwtTestKeys.ec256();
        rsa = JwtTestKeys.rsa2048();
        ed = JwtTestKeys.ed25519();
        otherEc = JwtTestKeys.ec256();
        verifier = verifier(null, null, Clock.systemUTC());
    }

    private static JwtVerifier verifier(String issuer, String audience, Clock clock) {
        return new JwtVerifier(Map.of("ec", ec.getPublic(), "rsa", rsa.getPublic(), "ed", ed.getPublic()), issuer,
                audience, SKEW, clock);
    }

    private static JWTClaimsSet.Builder claims(String deviceId) {
        return JwtTestKeys.claims(deviceId, "sealer", 3600);
    }

    @Test
    void es256CredentialYieldsItsClaims() {
        JWTClaimsSet claims = claims("sealer-1").build();
        JwtVerifier.Credential credential = verifier.verify(JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "ec", claims),
                "sealer-1");
        assertThat(credential.deviceId()).isEqualTo("sealer-1");
        assertThat(credential.type()).isEqualTo("sealer");
        assertThat(credential.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("line", "line1", "plant", "chicago"));
        assertThat(credential.publish()).containsExactly("telemetry.${line}.${deviceId}.>", "alerts.${plant}.>");
        assertThat(credential.subscribe()).containsExactly("commands.${line}.${deviceId}.>");
        assertThat(credential.deny()).containsExactly("alerts.${plant}.secret");
        // The session may last as long as the gateway would accept the credential.
        assertThat(credential.expiresAt()).isEqualTo(claims.getExpirationTime().toInstant()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(SKEW)); // NumericDate: whole seconds
    }

    @Test
    void rsaAndEd25519CredentialsVerify() {
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS512, JWSAlgorithm.PS256)) {
            assertThat(verifier.verify(JwtTestKeys.sign(rsa, alg, "rsa", claims("sealer-1").build()), "sealer-1")
                    .deviceId()).isEqualTo("sealer-1");
        }
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519)) {
            assertThat(verifier.verify(JwtTestKeys.sign(ed, alg, "ed", claims("sealer-1").build()), "sealer-1")
                    .deviceId()).isEqualTo("sealer-1");
        }
    }

    @Test
    void looksLikeJwtSeparatesCredentialsFromRegistryTokens() {
        assertThat(JwtVerifier.looksLikeJwt(JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "ec", claims("a").build()))).isTrue();
        assertThat(JwtVerifier.looksLikeJwt(JwtTestKeys.unsigned("ec", claims("a").build()))).isTrue();
        assertThat(JwtVerifier.looksLikeJwt("pbt_" + "A".repeat(43))).isFalse();
        assertThat(JwtVerifier.looksLikeJwt(null)).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("a.b")).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("a.b." + "c".repeat(JwtVerifier.MAX_TOKEN_LENGTH))).isFalse();
    }

    @Test
    void timeClaimsAreCheckedWithTheClockSkew() {
        Instant now = Instant.parse("2026-01-15T10:00:00Z");
        JwtVerifier atNow = verifier(null, null, Clock.fixed(now, ZoneOffset.UTC));
        JWTClaimsSet.Builder base = claims("sealer-1").issueTime(Date.from(now.minusSeconds(600)))
                .notBeforeTime(Date.from(now.minusSeconds(600)));

        assertReason(atNow, sign(base.expirationTime(Date.from(now.minusSeconds(31))).build()), "jwt expired");
        // Expired 29 s ago, within the 30 s skew: still accepted, until exp + skew.
        assertThat(atNow.verify(sign(base.expirationTime(Date.from(now.minusSeconds(29))).build()), "sealer-1")
                .expiresAt()).isEqualTo(now.plusSeconds(1));
        assertReason(atNow, sign(base.expirationTime(null).build()), "jwt without exp");

        JWTClaimsSet.Builder valid = claims("sealer-1").expirationTime(Date.from(now.plusSeconds(3600)))
                .issueTime(Date.from(now.minusSeconds(600)));
        assertReason(atNow, sign(valid.notBeforeTime(Date.from(now.plusSeconds(31))).build()), "jwt not yet valid");
        assertThat(atNow.verify(sign(valid.notBeforeTime(Date.from(now.plusSeconds(29))).build()), "sealer-1"))
                .isNotNull();
        assertReason(atNow, sign(valid.notBeforeTime(null).issueTime(Date.from(now.plusSeconds(31))).build()),
                "jwt issued in the future");
    }

    @Test
    void keyIdAlgorithmAndSignatureAreChecked() {
        JWTClaimsSet claims = claims("sealer-1").build();
        assertReason(verifier, JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "nope", claims), "jwt unknown kid 'nope'");
        assertReason(verifier, JwtTestKeys.sign(ec, JWSAlgorithm.ES256, null, claims), "jwt without kid");
        // Right kid, signed by another key.
        assertReason(verifier, JwtTestKeys.sign(otherEc, JWSAlgorithm.ES256, "ec", claims), "jwt bad signature (kid ec)");
        // A valid token's signature on other claims.
        String good = JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "ec", claims);
        String other = JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "ec", claims("sealer-2").build());
        String[] a = good.split("\\.");
        String[] b = other.split("\\.");
        assertReason(verifier, a[0] + "." + b[1] + "." + a[2], "sealer-2", "jwt bad signature (kid ec)");
        assertReason(verifier, JwtTestKeys.unsigned("ec", claims), "jwt alg none");
        assertReason(verifier, JwtTestKeys.hmac(rsa.getPublic().getEncoded(), "rsa", claims),
                "jwt alg HS256 (HMAC) not allowed");
        // An algorithm of another key type, or another curve, is refused before any verification.
        assertReason(verifier, JwtTestKeys.sign(rsa, JWSAlgorithm.RS256, "ec", claims), "jwt alg RS256 not allowed for key ec");
        assertReason(verifier, JwtTestKeys.sign(JwtTestKeys.ec384(), JWSAlgorithm.ES384, "ec", claims),
                "jwt alg ES384 not allowed for key ec");
        assertReason(verifier, JwtTestKeys.sign(ed, JWSAlgorithm.EdDSA, "rsa", claims), "jwt alg EdDSA not allowed for key rsa");
        assertReason(verifier, "e30.e30.", "jwt malformed header"); // {} has no alg
        assertReason(verifier, "xxxx.yyyy.zzzz", "jwt malformed header");
        assertReason(verifier, "not a jwt", "jwt malformed");
    }

    @Test
    void subjectIssuerAudienceAndClaimShapesAreChecked() {
        assertReason(verifier, sign(claims("sealer-1").build()), "sealer-2", "jwt sub does not match the device id");
        assertReason(verifier, sign(claims("sealer-1").build()), null, "jwt sub does not match the device id");
        assertReason(verifier, sign(claims(null).build()), "sealer-1", "jwt sub does not match the device id");
        assertReason(verifier, sign(claims("a.b").build()), "a.b", "jwt sub is not a valid device id");

        JwtVerifier strict = verifier("https://ca.plant.example", "pharmabridge", Clock.systemUTC());
        JWTClaimsSet.Builder good = claims("sealer-1").issuer("https://ca.plant.example")
                .audience(List.of("other", "pharmabridge"));
        assertThat(strict.verify(sign(good.build()), "sealer-1")).isNotNull();
        assertReason(strict, sign(good.issuer("https://evil").build()), "jwt wrong issuer");
        assertReason(strict, sign(good.issuer("https://ca.plant.example").audience("other").build()),
                "jwt wrong audience");
        assertReason(strict, sign(good.audience((String) null).build()), "jwt wrong audience");

        assertReason(verifier, sign(claims("sealer-1").claim("type", null).build()), "jwt type claim missing or malformed");
        assertReason(verifier, sign(claims("sealer-1").claim("type", 5).build()), "jwt type claim missing or malformed");
        assertReason(verifier, sign(claims("sealer-1").claim("attrs", "line1").build()), "jwt attrs claim malformed");
        assertReason(verifier, sign(claims("sealer-1").claim("attrs", Map.of("line", 1)).build()),
                "jwt attrs claim malformed");
        assertReason(verifier, sign(claims("sealer-1").claim("publish", "telemetry.>").build()),
                "jwt publish claim malformed");
        assertReason(verifier, sign(claims("sealer-1").claim("deny", List.of(1)).build()), "jwt deny claim malformed");
        // Claims left out grant nothing, and limits are not read.
        JwtVerifier.Credential bare = verifier.verify(sign(claims("sealer-1").claim("attrs", null)
                .claim("publish", null).claim("subscribe", null).claim("deny", null)
                .claim("limits", Map.of("messageRateLimitPerSecond", 1_000_000)).build()), "sealer-1");
        assertThat(bare.attributes()).isEmpty();
        assertThat(bare.publish()).isEmpty();
        assertThat(bare.subscribe()).isEmpty();
        assertThat(bare.deny()).isEmpty();
    }

    @Test
    void authenticatorResolvesClaimPermissionsAndLetsARegistryRevocationWin() {
        DeviceRegistry registry = DeviceRegistry.empty()
                .withType(new DeviceType("sealer", List.of("never.${deviceId}"), List.of(), List.of(),
                        new DeviceLimits(7, null, null, null, null, null)));
        DeviceRegistry.Registration registered = registry.add("sealer-reg", "sealer", Map.of("line", "line9"),
                List.of(), List.of(), List.of());
        DeviceRegistry withRevoked = registered.registry().add("sealer-gone", "sealer", Map.of(), List.of(), List.of(),
                List.of()).registry().revoke("sealer-gone");
        Authenticator authenticator = new Authenticator(() -> withRevoked, verifier);

        AuthenticatedDevice device = authenticator.authenticate("sealer-1", sign(claims("sealer-1").build()), "1.0", "t/1");
        assertThat(device.deviceType()).isEqualTo("sealer");
        assertThat(device.permissions().publish()).containsExactly("telemetry.line1.sealer-1.>", "alerts.chicago.>");
        assertThat(device.permissions().subscribe()).containsExactly("commands.line1.sealer-1.>");
        assertThat(device.permissions().deny()).containsExactly("alerts.chicago.secret");
        assertThat(device.permissions().canPublish("alerts.chicago.secret")).isFalse();
        assertThat(device.limits().messageRateLimitPerSecond()).isEqualTo(7); // the registry type's limits
        assertThat(device.expiresAt()).isAfter(Instant.now());

        // A registered, non-revoked device may also use a credential; the claims' permissions count.
        assertThat(authenticator.authenticate("sealer-reg", sign(claims("sealer-reg").build()), null, null)
                .permissions().publish()).containsExactly("telemetry.line1.sealer-reg.>", "alerts.chicago.>");
        assertThatThrownBy(() -> authenticator.authenticate("sealer-gone", sign(claims("sealer-gone").build()), null,
                null)).isInstanceOfSatisfying(Authenticator.AuthenticationException.class,
                e -> assertThat(e.reason()).isEqualTo("device revoked (signed credential)"));
        // Registry tokens keep working, without expiry.
        AuthenticatedDevice byToken = authenticator.authenticate("sealer-reg", registered.token(), null, null);
        assertThat(byToken.expiresAt()).isNull();
        assertThat(byToken.permissions().publish()).containsExactly("never.sealer-reg");
        // Without a verifier, a credential is just a wrong token.
        assertThatThrownBy(() -> new Authenticator(() -> withRevoked).authenticate("sealer-reg",
                sign(claims("sealer-reg").build()), null, null))
                .isInstanceOfSatisfying(Authenticator.AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo("wrong token"));
    }

    @Test
    void pemKeysReadRsaEcAndEd25519AndRefuseWhatCannotVerify(@TempDir Path dir) throws Exception {
        for (KeyPair pair : List.of(ec, rsa, ed)) {
            Path file = JwtTestKeys.writePublicPem(dir, pair.getPublic().getAlgorithm() + ".pem", pair.getPublic());
            PublicKey read = PemKeys.readPublicKey(file);
            assertThat(read.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        }
        Path weak = JwtTestKeys.writePublicPem(dir, "weak.pem", JwtTestKeys.rsa(1024).getPublic());
        assertThatThrownBy(() -> PemKeys.readPublicKey(weak)).hasMessageContaining("1024-bit RSA key");
        Path secret = Files.writeString(dir.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getEncoder().encodeToString(ec.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeys.readPublicKey(secret)).hasMessageContaining("never give the gateway a signing key");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        assertThatThrownBy(() -> PemKeys.readPublicKey(garbage)).hasMessageContaining("no PEM block");
        assertThatThrownBy(() -> PemKeys.readPublicKey(dir.resolve("missing.pem"))).hasMessageContaining("does not exist");
    }

    private static String sign(JWTClaimsSet claims) {
        return JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "ec", claims);
    }

    private static void assertReason(JwtVerifier verifier, String token, String reason) {
        assertReason(verifier, token, "sealer-1", reason);
    }

    private static void assertReason(JwtVerifier verifier, String token, String deviceId, String reason) {
        assertThatThrownBy(() -> verifier.verify(token, deviceId))
                .isInstanceOfSatisfying(Authenticator.AuthenticationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).isEqualTo(Authenticator.FAILURE_MESSAGE);
                });
    }
}
