package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.pharmabridge.gateway.auth.JwtTestKeys;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed device credentials against a real gateway and nats-server: ES256, RS256 and EdDSA logins, permissions from
 * the claims, one uniform refusal for every bad credential, the session ending when the credential expires, and the
 * registry's revocation winning.
 */
class JwtAuthTest {
    private static final String FAILURE = "{\"success\":false,\"code\":\"AUTH_FAILED\",\"message\":\"Invalid credentials\"}";
    @TempDir
    static Path keysDir;
    private static NatsFixture nats;
    private static GatewayFixture gateway;
    private static KeyPair ec;
    private static KeyPair rsa;
    private static KeyPair ed;

    @BeforeAll
    static void start() throws Exception {
        ec = JwtTestKeys.ec256();
        rsa = JwtTestKeys.rsa2048();
        ed = JwtTestKeys.ed25519();
        String keys = "ec=" + JwtTestKeys.writePublicPem(keysDir, "ec.pem", ec.getPublic())
                + ",rsa=" + JwtTestKeys.writePublicPem(keysDir, "rsa.pem", rsa.getPublic())
                + ",ed=" + JwtTestKeys.writePublicPem(keysDir, "ed.pem", ed.getPublic());
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("AUTH_JWT_ENABLED", "true")
                .with("AUTH_JWT_KEYS", keys)
                .with("AUTH_JWT_ISSUER", "plant-ca")
                .with("AUTH_JWT_AUDIENCE", "gw-test")
                .with("AUTH_JWT_CLOCK_SKEW_SECONDS", "1")
                // Many refusals from one host in this class: the lockout must not be what refuses them.
                .with("AUTH_MAX_FAILURES_PER_DEVICE", "1000")
                .with("AUTH_MAX_FAILURES_PER_HOST", "100000")
                .device("jwt-registered", "sealer", "line1")
                .device("jwt-revoked", "sealer", "line1")
                .device("jwt-to-revoke", "sealer", "line1");
        gateway.saveRegistry(gateway.registry().revoke("jwt-revoked"));
        gateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    private static JWTClaimsSet.Builder claims(String deviceId, long lifetimeSeconds) {
        return JwtTestKeys.claims(deviceId, "sealer", lifetimeSeconds).issuer("plant-ca").audience("gw-test");
    }

    private static String es256(JWTClaimsSet claims) {
        return JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "ec", claims);
    }

    private static WsDevice connect() throws Exception {
        return WsDevice.connect(gateway.wsUri());
    }

    @Test
    void es256CredentialLogsInWithThePermissionsItsClaimsGrant() throws Exception {
        try (WsDevice device = connect()) {
            JsonNode answer = (device.authenticate("jwt-es-1", es256(claims("jwt-es-1", 600).build())));
            assertThat(answer.path("payload").path("success").asBoolean()).as(answer.toString()).isTrue();
            JsonNode info = answer.path("payload").path("device");
            assertThat(info.path("deviceId").asText()).isEqualTo("jwt-es-1");
            assertThat(info.path("deviceType").asText()).isEqualTo("sealer");
            assertThat(texts(info.path("allowedPublishTopics"))).containsExactly("telemetry.line1.jwt-es-1.>",
                    "alerts.chicago.>");
            assertThat(texts(info.path("allowedSubscribeTopics"))).containsExactly("commands.line1.jwt-es-1.>");

            device.send("{\"type\":0,\"subject\":\"telemetry.line1.jwt-es-1.temperature\",\"payload\":{\"value\":185.5},"
                    + "\"correlationId\":\"ok-1\"}");
            JsonNode ack = device.awaitCorrelation("ok-1");
            assertThat(ack.path("type").asInt()).as(ack.toString()).isEqualTo(6);
            assertThat(ack.path("payload").path("stream").asText()).isEqualTo("TELEMETRY");

            // Outside the claims (another device's subject), and inside a grant but denied.
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.other-device.temperature\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"no-1\"}");
            assertError(device.awaitCorrelation("no-1"), "NOT_AUTHORIZED");
            device.send("{\"type\":0,\"subject\":\"alerts.chicago.secret\",\"payload\":{\"severity\":\"high\"},"
                    + "\"correlationId\":\"no-2\"}");
            assertError(device.awaitCorrelation("no-2"), "NOT_AUTHORIZED");
            device.send("{\"type\":1,\"subject\":\"commands.line1.>\",\"correlationId\":\"no-3\"}");
            assertError(device.awaitCorrelation("no-3"), "NOT_AUTHORIZED");
            device.send("{\"type\":1,\"subject\":\"commands.line1.jwt-es-1.>\",\"correlationId\":\"sub-1\"}");
            assertThat(device.awaitCorrelation("sub-1").path("type").asInt()).isEqualTo(6);
        }
    }

    @Test
    void rs256AndEdDsaCredentialsLogIn() throws Exception {
        Map<String, String> tokens = Map.of(
                "jwt-rs-1", JwtTestKeys.sign(rsa, JWSAlgorithm.RS256, "rsa", claims("jwt-rs-1", 600).build()),
                "jwt-ed-1", JwtTestKeys.sign(ed, JWSAlgorithm.EdDSA, "ed", claims("jwt-ed-1", 600).build()));
        for (Map.Entry<String, String> entry : tokens.entrySet()) {
            try (WsDevice device = connect()) {
                JsonNode answer = (device.authenticate(entry.getKey(), entry.getValue()));
                assertThat(answer.path("payload").path("success").asBoolean()).as(entry.getKey()).isTrue();
                device.send("{\"type\":9}");
                assertThat(device.awaitType(10).path("type").asInt()).isEqualTo(10);
            }
        }
    }

    @Test
    void everyBadCredentialGetsTheSameAnswerAsAWrongTokenThenClose1008() throws Exception {
        Instant now = Instant.now();
        KeyPair otherEc = JwtTestKeys.ec256();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("jwt-expired", es256(claims("jwt-expired", 600).expirationTime(Date.from(now.minusSeconds(60))).build()));
        cases.put("jwt-early", es256(claims("jwt-early", 600).notBeforeTime(Date.from(now.plusSeconds(60))).build()));
        cases.put("jwt-no-exp", es256(claims("jwt-no-exp", 600).expirationTime(null).build()));
        cases.put("jwt-wrong-kid", JwtTestKeys.sign(ec, JWSAlgorithm.ES256, "retired", claims("jwt-wrong-kid", 600).build()));
        cases.put("jwt-wrong-sig", JwtTestKeys.sign(otherEc, JWSAlgorithm.ES256, "ec", claims("jwt-wrong-sig", 600).build()));
        cases.put("jwt-wrong-sub", es256(claims("jwt-someone-else", 600).build()));
        cases.put("jwt-alg-none", JwtTestKeys.unsigned("ec", claims("jwt-alg-none", 600).build()));
        cases.put("jwt-hmac", JwtTestKeys.hmac(rsa.getPublic().getEncoded(), "rsa", claims("jwt-hmac", 600).build()));
        cases.put("jwt-issuer", es256(claims("jwt-issuer", 600).issuer("someone").build()));
        cases.put("jwt-audience", es256(claims("jwt-audience", 600).audience("other-gateway").build()));
        cases.put("jwt-revoked", es256(claims("jwt-revoked", 600).build())); // valid, but revoked in the registry
        cases.put("jwt-registered", "pbt_" + "A".repeat(43)); // a plain wrong registry token, for comparison

        List<String> answers = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            try (WsDevice device = connect()) {
                JsonNode answer = device.authenticate(entry.getKey(), entry.getValue());
                assertThat(answer.path("payload")).as(entry.getKey())
                        .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree(FAILURE));
                assertThat(device.awaitClose()).as(entry.getKey()).isEqualTo(1008);
                answers.add(answer.toString()); // field order kept: equal text means equal bytes on the wire
                reasons.add(device.closeReason());
            }
        }
        assertThat(answers).as("byte-identical answers").containsOnly(answers.get(0));
        assertThat(reasons).containsOnly("Invalid credentials");
    }

    @Test
    void aCredentialExpiringAfterLoginEndsTheSessionWith1008() throws Exception {
        // exp is in whole seconds: 2 s from now, plus the 1 s skew, ends the session 2-3 s after login.
        Instant exp = Instant.now().plusSeconds(2);
        try (WsDevice device = connect()) {
            JsonNode answer = (device.authenticate("jwt-short",
                    es256(claims("jwt-short", 600).expirationTime(Date.from(exp)).build())));
            long loggedIn = System.nanoTime();
            assertThat(answer.path("payload").path("success").asBoolean()).isTrue();
            assertThat(device.awaitClose()).isEqualTo(1008);
            long elapsedMs = (System.nanoTime() - loggedIn) / 1_000_000;
            assertThat(device.closeReason()).isEqualTo("Credential expired");
            assertThat(elapsedMs).isBetween(1000L, 5000L);
        }
        // The same credential no longer logs in.
        try (WsDevice again = connect()) {
            assertThat(again.authenticate("jwt-short", es256(claims("jwt-short", 600).expirationTime(Date.from(exp))
                    .build())).toString())
                    .contains("AUTH_FAILED");
        }
    }

    @Test
    void registryEditsLeaveCredentialSessionsAloneButARevocationEndsOne() throws Exception {
        try (WsDevice unregistered = connect(); WsDevice registered = connect()) {
            assertThat(unregistered.authenticate("jwt-unregistered", es256(claims("jwt-unregistered", 600).build())).toString())
                    .contains("\"success\":true");
            assertThat(registered.authenticate("jwt-to-revoke", es256(claims("jwt-to-revoke", 600).build())).toString())
                    .contains("\"success\":true");
            gateway.saveRegistry(gateway.registry().revoke("jwt-to-revoke"));
            assertThat(registered.awaitClose()).isEqualTo(4002);
            // The reload happened; the device the registry never knew is still connected.
            unregistered.send("{\"type\":9}");
            assertThat(unregistered.awaitType(10).path("type").asInt()).isEqualTo(10);
            assertThat(unregistered.isClosed()).isFalse();
        }
    }

    @Test
    void registryTokensStillWorkWhenCredentialsAreEnabled() throws Exception {
        try (WsDevice device = connect()) {
            JsonNode answer = (device.authenticate("jwt-registered", gateway.token("jwt-registered")));
            assertThat(answer.path("payload").path("success").asBoolean()).isTrue();
            assertThat(texts(answer.path("payload").path("device").path("allowedPublishTopics")))
                    .contains("telemetry.line1.>");
        }
    }

    private static void assertError(JsonNode message, String code) {
        assertThat(message.path("type").asInt()).as(message.toString()).isEqualTo(7);
        assertThat(message.path("payload").path("code").asText()).isEqualTo(code);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
