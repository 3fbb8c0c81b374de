package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.api.StreamInfoOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and refused messages per PROTOCOL.md: every refusal is a coded Error (7), the connection stays open, and a
 * refused message never reaches NATS. This class's gateway has a 4096-byte message cap and a rate limit of 5/s, burst 5.
 */
class MessageErrorsTest {
    private static final int MAX_MESSAGE_SIZE = 4096;
    private static final Set<String> CODES = Set.of("AUTH_FAILED", "AUTH_TIMEOUT", "AUTH_REQUIRED", "NOT_AUTHORIZED",
            "INVALID_SUBJECT", "INVALID_MESSAGE", "PAYLOAD_TOO_LARGE", "RATE_LIMIT", "NO_RESPONDERS", "REQUEST_TIMEOUT",
            "UNAVAILABLE", "SLOW_CONSUMER", "INTERNAL_ERROR");
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE))
                .with("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "5")
                .with("GATEWAY_MESSAGE_RATE_BURST", "5");
        for (int i = 1; i <= 14; i++) {
            gateway.device("err-sealer-" + i, "sealer", "line1");
        }
        gateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    @Test
    void notJsonIsInvalidMessageAndConnectionStaysOpen() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-1")) {
            device.send("this is not json");
            assertError(device.awaitType(7), "INVALID_MESSAGE");
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.x\",\"payload\":{\"v\":1");
            assertError(device.awaitType(7), "INVALID_MESSAGE");
            device.send("[0,1,2]");
            assertError(device.awaitType(7), "INVALID_MESSAGE");
            // A payload broken before the correlationId (the usual order): the Error still names the message.
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.x\",\"payload\":{\"value\":01},"
                    + "\"correlationId\":\"broken-1\"}");
            JsonNode named = device.awaitCorrelation("broken-1");
            assertError(named, "INVALID_MESSAGE");
            assertThat(named.path("payload").path("message").asText()).startsWith("Message is not valid JSON: ")
                    .contains("(at byte ");
            assertStillOpen(device);
        }
    }

    @Test
    void unknownTypeIsInvalidMessageWithTheCorrelationIdEchoed() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-2")) {
            device.send("{\"type\":42,\"subject\":\"telemetry.line1.x\",\"payload\":{},\"correlationId\":\"u42\"}");
            JsonNode error = device.awaitCorrelation("u42");
            assertError(error, "INVALID_MESSAGE");
            device.send("{\"type\":-1,\"correlationId\":\"neg\"}");
            assertError(device.awaitCorrelation("neg"), "INVALID_MESSAGE");
            device.send("{\"type\":\"0\",\"correlationId\":\"str\"}");
            assertError(device.awaitCorrelation("str"), "INVALID_MESSAGE");
            device.send("{\"subject\":\"telemetry.line1.x\",\"payload\":{},\"correlationId\":\"notype\"}");
            assertError(device.awaitCorrelation("notype"), "INVALID_MESSAGE");
            assertStillOpen(device);
        }
    }

    @Test
    void gatewayOnlyMessageTypesFromADeviceAreInvalidMessage() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-3")) {
            device.send("{\"type\":3,\"subject\":\"telemetry.line1.x\",\"payload\":{},\"correlationId\":\"m3\"}");
            assertError(device.awaitCorrelation("m3"), "INVALID_MESSAGE");
            device.send("{\"type\":7,\"payload\":{\"code\":\"X\",\"message\":\"y\"},\"correlationId\":\"m7\"}");
            assertError(device.awaitCorrelation("m7"), "INVALID_MESSAGE");
            device.send("{\"type\":10,\"correlationId\":\"m10\"}");
            assertError(device.awaitCorrelation("m10"), "INVALID_MESSAGE");
            assertStillOpen(device);
        }
    }

    @Test
    void binaryMessageIsInvalidMessageAndConnectionStaysOpen() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-4")) {
            device.sendBinary("{\"type\":9}".getBytes(StandardCharsets.UTF_8));
            assertError(device.awaitType(7), "INVALID_MESSAGE");
            device.assertNothing(m -> m.path("type").asInt() == 10, Duration.ofMillis(100));
            assertStillOpen(device);
        }
    }

    @Test
    void messageOverMaxSizeIsPayloadTooLargeNotStoredAndConnectionStaysOpen() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-5")) {
            String big = "{\"type\":0,\"subject\":\"telemetry.line1.big\",\"payload\":{\"value\":1,\"blob\":\"" + "a".repeat(5_000)
                    + "\"},\"correlationId\":\"big1\"}";
            assertThat(big.length()).isGreaterThan(MAX_MESSAGE_SIZE).isLessThan(MAX_MESSAGE_SIZE * 4);
            device.send(big);
            assertError(device.await(m -> m.path("type").asInt() == 7), "PAYLOAD_TOO_LARGE");

            // A message at the cap still goes through.
            String prefix = "{\"type\":0,\"subject\":\"telemetry.line1.fits\",\"payload\":{\"value\":1,\"blob\":\"";
            String suffix = "\"},\"correlationId\":\"fits\"}";
            String fits = prefix + "b".repeat(MAX_MESSAGE_SIZE - prefix.length() - suffix.length()) + suffix;
            assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_MESSAGE_SIZE);
            device.send(fits);
            JsonNode ack = device.awaitCorrelation("fits");
            assertThat(ack.path("type").asInt()).as("answer %s", ack).isEqualTo(6);

            assertThat(stored("telemetry.line1.big")).isZero();
            assertThat(stored("telemetry.line1.fits")).isEqualTo(1);
            assertStillOpen(device);
        }
    }

    @Test
    void messageFragmentedOverThreeFramesIsReassembledAndAcked() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-6")) {
            device.sendFragmented("{\"type\":0,\"subject\":\"telemetry.line1.frag",
                    "mented\",\"payload\":{\"value\":18",
                    "5.5,\"unit\":\"C\"},\"correlationId\":\"frag-1\"}");
            JsonNode ack = device.awaitCorrelation("frag-1");
            assertThat(ack.path("type").asInt()).as("answer %s", ack).isEqualTo(6);
            assertThat(ack.path("subject").asText()).isEqualTo("telemetry.line1.fragmented");
            assertThat(ack.path("payload").path("success").asBoolean()).isTrue();
            long seq = ack.path("payload").path("seq").asLong();
            String data = new String(nats.observer().jetStreamManagement().getMessage("TELEMETRY", seq).getData(),
                    StandardCharsets.UTF_8);
            assertThat(data).isEqualTo("{\"value\":185.5,\"unit\":\"C\"}");
        }
    }

    @Test
    void publishWithWildcardSubjectIsInvalidSubject() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-7")) {
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.*\",\"payload\":{},\"correlationId\":\"w1\"}");
            assertError(device.awaitCorrelation("w1"), "INVALID_SUBJECT");
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.>\",\"payload\":{},\"correlationId\":\"w2\"}");
            assertError(device.awaitCorrelation("w2"), "INVALID_SUBJECT");
            device.send("{\"type\":0,\"subject\":\"telemetry..line1\",\"payload\":{},\"correlationId\":\"w3\"}");
            assertError(device.awaitCorrelation("w3"), "INVALID_SUBJECT");
            assertStillOpen(device);
        }
    }

    @Test
    void payloadFailingItsSubjectsSchemaIsRefusedNamingTheFieldAndNotStored() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-8")) {
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.schema\",\"payload\":{\"value\":\"hot!\",\"unit\":\"C\"},"
                    + "\"correlationId\":\"bad-value\"}");
            JsonNode refused = device.awaitCorrelation("bad-value");
            assertError(refused, "INVALID_MESSAGE");
            assertThat(refused.path("payload").path("message").asText()).contains("/value");
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.schema\",\"payload\":{\"value\":1,\"batchId\":\"no spaces allowed\"},"
                    + "\"correlationId\":\"bad-batch\"}");
            assertThat(device.awaitCorrelation("bad-batch").path("payload").path("message").asText()).contains("/batchId");
            assertThat(stored("telemetry.line1.schema")).isZero();
        }
    }

    @Test
    void serializationReadWithABadGtinCheckDigitIsRefusedWithItsOwnReason() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-8")) {
            String subject = "factory.chicago.line1.serialization.read";
            device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"gtin\":\"00012345600013\","
                    + "\"lot\":\"B1\",\"expiry\":\"281231\",\"serial\":\"123456789012\",\"grade\":\"A\",\"readable\":true},"
                    + "\"correlationId\":\"gtin\"}");
            JsonNode refused = device.awaitCorrelation("gtin");
            assertError(refused, "INVALID_MESSAGE");
            assertThat(refused.path("payload").path("message").asText()).contains("/gtin").contains("check digit");
            device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"gtin\":\"00012345600012\","
                    + "\"lot\":\"B1\",\"expiry\":\"280231\",\"serial\":\"123456789012\",\"grade\":\"A\",\"readable\":true},"
                    + "\"correlationId\":\"expiry\"}");
            assertThat(device.awaitCorrelation("expiry").path("payload").path("message").asText()).contains("/expiry");
            String longText = "L".repeat(21);
            device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"gtin\":\"00012345600012\","
                    + "\"lot\":\"" + longText + "\",\"expiry\":\"281231\",\"serial\":\"1\",\"grade\":\"A\",\"readable\":true},"
                    + "\"correlationId\":\"lot\"}");
            assertThat(device.awaitCorrelation("lot").path("payload").path("message").asText()).contains("/lot");
            device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"gtin\":\"00012345600012\","
                    + "\"lot\":\"B1\",\"expiry\":\"281231\",\"serial\":\"" + longText + "\",\"grade\":\"A\",\"readable\":true},"
                    + "\"correlationId\":\"serial\"}");
            assertThat(device.awaitCorrelation("serial").path("payload").path("message").asText()).contains("/serial");
            assertThat(stored(subject)).isZero();
        }
    }

    @Test
    void publishWithoutPayloadIsInvalidMessageAndNotStored() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-8")) {
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.nopayload\",\"correlationId\":\"np\"}");
            assertError(device.awaitCorrelation("np"), "INVALID_MESSAGE");
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.marker\",\"payload\":{\"value\":1},\"correlationId\":\"mk\"}");
            assertThat(device.awaitCorrelation("mk").path("type").asInt()).isEqualTo(6);
            assertThat(stored("telemetry.line1.nopayload")).isZero();
        }
    }

    @Test
    void publishesOverTheRateLimitGetRateLimitAndOnlyAckedOnesAreStored() throws Exception {
        String subject = "telemetry.line1.rate";
        try (WsDevice device = gateway.connect("err-sealer-9")) {
            for (int i = 0; i < 20; i++) {
                device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"value\":" + i
                        + "},\"correlationId\":\"rate-" + i + "\"}");
            }
            Map<String, JsonNode> answers = new HashMap<>();
            List<Integer> acked = new ArrayList<>();
            int limited = 0;
            for (int i = 0; i < 20; i++) {
                JsonNode answer = device.awaitCorrelation("rate-" + i);
                answers.put("rate-" + i, answer);
                if (answer.path("type").asInt() == 6) {
                    assertThat(answer.path("payload").path("success").asBoolean()).isTrue();
                    acked.add(i);
                } else {
                    assertError(answer, "RATE_LIMIT");
                    assertThat(answer.path("payload").path("retryAfterMs").asLong()).isPositive();
                    limited++;
                }
            }
            assertThat(answers).hasSize(20);
            assertThat(limited).as("RATE_LIMIT errors among 20 fast publishes at 5/s, burst 5").isPositive();
            assertThat(acked).hasSizeGreaterThanOrEqualTo(5);
            // Exactly one answer per message: nothing else with one of these correlation ids follows.
            device.assertNothing(m -> m.path("correlationId").asText("").startsWith("rate-"), Duration.ofMillis(300));

            // Pings are not rate limited: the bucket is empty now, and every ping still gets its Pong.
            for (int i = 0; i < 10; i++) {
                device.send("{\"type\":9,\"correlationId\":\"ping-" + i + "\"}");
            }
            for (int i = 0; i < 10; i++) {
                JsonNode pong = device.awaitCorrelation("ping-" + i);
                assertThat(pong.path("type").asInt()).as("answer to ping %s: %s", i, pong).isEqualTo(10);
            }

            // Only what was acked is in the stream, each once, with the acked messages' content.
            assertThat(stored(subject)).isEqualTo(acked.size());
            for (int i : acked) {
                long seq = answers.get("rate-" + i).path("payload").path("seq").asLong();
                String data = new String(nats.observer().jetStreamManagement().getMessage("TELEMETRY", seq).getData(),
                        StandardCharsets.UTF_8);
                assertThat(data).isEqualTo("{\"value\":" + i + "}");
            }
        }
    }

    @Test
    void pingGetsPongWithTimestamp() throws Exception {
        try (WsDevice device = gateway.connect("err-sealer-10")) {
            Instant before = Instant.now().minusSeconds(1);
            device.send("{\"type\":9}");
            JsonNode pong = device.awaitType(10);
            assertThat(Instant.parse(pong.path("timestamp").asText())).isBetween(before, Instant.now().plusSeconds(1));
        }
    }

    @Test
    void everyErrorHasCodeAndMessageAndNoStackTrace() throws Exception {
        String deep = "[".repeat(200) + "]".repeat(200);
        String[] bad = {
                "garbage",
                "{",
                "{}",
                "[1,2]",
                "\"just a string\"",
                "{\"type\":0,\"correlationId\":\"e-nosubject\",\"payload\":{}}",
                "{\"type\":0,\"subject\":\"a..b\",\"payload\":1,\"correlationId\":\"e-subject\"}",
                "{\"type\":0,\"subject\":\"telemetry.line2.x\",\"payload\":1,\"correlationId\":\"e-auth\"}",
                "{\"type\":0,\"subject\":\"$SYS.x\",\"payload\":1,\"correlationId\":\"e-sys\"}",
                "{\"type\":0,\"subject\":\"telemetry.line1.x\",\"payload\":" + deep + ",\"correlationId\":\"e-deep\"}",
                "{\"type\":0,\"subject\":\"telemetry.line1.x\",\"payload\":{},\"correlationId\":\"" + "c".repeat(200) + "\"}",
                "{\"type\":0,\"subject\":12,\"payload\":{}}",
                "{\"type\":1.5}",
                "{\"type\":99999999999999999999}",
                "{\"type\":1,\"subject\":\"commands.>\",\"correlationId\":\"e-sub\"}",
                "{\"type\":2,\"subject\":\"a.>.b\",\"correlationId\":\"e-unsub\"}",
                "{\"type\":4,\"subject\":\"config.line1.x\",\"payload\":{},\"correlationId\":\"e-req\",\"timeoutMs\":-5}",
                "{\"type\":5,\"subject\":\"_INBOX.nope\",\"payload\":{},\"correlationId\":\"e-reply\"}",
                "{\"type\":6,\"payload\":{\"ackId\":\"never-issued\"},\"correlationId\":\"e-ack\"}",
                "{\"type\":8,\"payload\":{\"deviceId\":\"x\",\"token\":\"y\"},\"correlationId\":\"e-reauth\"}",
                "{\"type\":0,\"subject\":\"telemetry.line1.x\",\"payload\":{\"a\":1}}} trailing",
        };
        // WsDevice keeps unmatched messages and offers them to later predicates again: count each one only once.
        Set<JsonNode> counted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try (WsDevice device = gateway.connect("err-sealer-11")) {
            for (int i = 0; i < bad.length; i++) {
                device.send(bad[i]);
                // A Ping after each bad message: its Pong proves the one answer to the bad message came first.
                device.send("{\"type\":9,\"correlationId\":\"sep-" + i + "\"}");
                List<JsonNode> before = new ArrayList<>();
                int index = i;
                device.await(m -> {
                    if (("sep-" + index).equals(m.path("correlationId").asText(null))) {
                        return true;
                    }
                    if (counted.add(m)) {
                        before.add(m);
                    }
                    return false;
                });
                // The Ack (6) of a durable delivery that does not exist may be ignored silently; all others answer.
                if (bad[i].contains("e-ack")) {
                    assertThat(before).as("answers to %s", bad[i]).hasSizeLessThanOrEqualTo(1);
                } else {
                    assertThat(before).as("answers to %s", bad[i]).hasSize(1);
                }
                for (JsonNode error : before) {
                    assertThat(error.path("type").asInt()).as("answer to %s: %s", bad[i], error).isEqualTo(7);
                    assertThat(error.path("payload").path("code").asText()).as("code for %s", bad[i]).isIn(CODES);
                    assertThat(error.path("payload").path("code").asText()).isNotIn("INTERNAL_ERROR");
                    assertNoStackTrace(error);
                }
                assertThat(device.isClosed()).as("open after %s", bad[i]).isFalse();
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static void assertError(JsonNode message, String code) {
        AuthTest.assertError(message, code);
        assertNoStackTrace(message);
    }

    private static void assertNoStackTrace(JsonNode error) {
        assertThat(error.path("payload").path("message").asText()).as("message of %s", error).isNotBlank();
        assertThat(error.toString()).doesNotContain("Exception").doesNotContain("at com.").doesNotContain("at io.")
                .doesNotContain("\\tat ").doesNotContain("\\n\\tat");
    }

    private static void assertStillOpen(WsDevice device) throws Exception {
        String id = "alive-" + System.nanoTime();
        device.send("{\"type\":9,\"correlationId\":\"" + id + "\"}");
        assertThat(device.awaitCorrelation(id).path("type").asInt()).isEqualTo(10);
        assertThat(device.isClosed()).isFalse();
    }

    /** How many messages the TELEMETRY stream holds on exactly this subject. */
    private static long stored(String subject) throws Exception {
        var subjects = nats.observer().jetStreamManagement()
                .getStreamInfo("TELEMETRY", StreamInfoOptions.filterSubjects(subject)).getStreamState().getSubjects();
        return subjects == null ? 0 : subjects.stream().filter(s -> s.getName().equals(subject))
                .mapToLong(s -> s.getCount()).sum();
    }
}
