package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.RawWebSocket;
import com.pharmabridge.gateway.testing.WsDevice;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated frames thrown at a live gateway: every frame is answered or refused with a known code, the
 * connection never gets stuck, nothing leaks internals, and a bystander device keeps working throughout.
 */
class FuzzedFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CODES = Set.of("AUTH_FAILED", "AUTH_TIMEOUT", "AUTH_REQUIRED", "NOT_AUTHORIZED",
            "INVALID_SUBJECT", "INVALID_MESSAGE", "PAYLOAD_TOO_LARGE", "RATE_LIMIT", "NO_RESPONDERS",
            "REQUEST_TIMEOUT", "UNAVAILABLE", "SLOW_CONSUMER");
    private static final List<String> SEEDS = List.of(
            "{\"type\":0,\"subject\":\"telemetry.line1.sealer.temperature\",\"payload\":{\"value\":185.5,\"unit\":\"C\",\"batchId\":\"B1\"},\"correlationId\":\"c1\"}",
            "{\"type\":1,\"subject\":\"commands.line1.*\",\"correlationId\":\"c2\",\"payload\":{\"durable\":false}}",
            "{\"type\":2,\"subject\":\"commands.line1.*\",\"correlationId\":\"c3\"}",
            "{\"type\":4,\"subject\":\"config.line1.sealer\",\"payload\":{},\"correlationId\":\"c4\",\"timeoutMs\":50}",
            "{\"type\":5,\"subject\":\"_INBOX.abc.1\",\"payload\":{\"ok\":true},\"correlationId\":\"c5\"}",
            "{\"type\":6,\"payload\":{\"ackId\":\"x-1\"},\"correlationId\":\"c6\"}",
            "{\"type\":9,\"correlationId\":\"c7\"}",
            "{\"type\":8,\"payload\":{\"deviceId\":\"fuzz-1\",\"token\":\"nope\"},\"correlationId\":\"c8\"}");

    private static NatsFixture nats;
    private static GatewayFixture gateway;
    private static WsDevice fuzzed;
    private static WsDevice bystander;
    private static int probes;

    @BeforeContainer
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "100000")
                .with("GATEWAY_MAX_MESSAGE_SIZE", "4096")
                .device("fuzz-1", "sealer", "line1")
                .device("bystander-1", "sealer", "line1")
                .start();
        fuzzed = gateway.connect("fuzz-1");
        bystander = gateway.connect("bystander-1");
    }

    @AfterContainer
    static void stop() throws Exception {
        fuzzed.close();
        bystander.close();
        gateway.close();
        nats.close();
    }

    @Property(tries = 300)
    void mutatedEnvelopesAreAnsweredOrRefusedWithACodeAndTheConnectionStaysUsable(@ForAll("mutatedFrames") String frame)
            throws Exception {
        fuzzed.send(frame);
        String probe = "probe-" + (++probes);
        fuzzed.send("{\"type\":9,\"correlationId\":\"" + probe + "\"}");
        // Everything before the probe's Pong is an answer to the fuzzed frame; each must be well-formed.
        while (true) {
            JsonNode answer = fuzzed.await(m -> true, Duration.ofSeconds(5));
            if (probe.equals(answer.path("correlationId").asText(null)) && answer.path("type").asInt() == 10) {
                break;
            }
            assertWellFormed(answer);
        }
        assertThat(fuzzed.isClosed()).as("connection still open after %s", frame).isFalse();
    }

    @Property(tries = 100)
    void randomBytesInTextFramesAreRefusedWithoutHarm(@ForAll("randomBytes") byte[] bytes) throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.port())) {
            raw.sendText("{\"type\":8,\"payload\":{\"deviceId\":\"fuzz-1\",\"token\":\"" + gateway.token("fuzz-1") + "\"}}");
            assertThat(raw.readFrame().text()).contains("\"success\":true");
            raw.sendFrame(RawWebSocket.TEXT, true, bytes);
            raw.sendText("{\"type\":9,\"correlationId\":\"raw-probe\"}");
            while (true) {
                RawWebSocket.Frame frame = raw.readFrame();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    // Only invalid UTF-8 in a text frame may end the connection, and then as a protocol error.
                    assertThat(frame.closeCode()).isIn(1002, 1007);
                    break;
                }
                if (frame.opcode() != RawWebSocket.TEXT) {
                    continue;
                }
                JsonNode answer = JSON.readTree(frame.text());
                if ("raw-probe".equals(answer.path("correlationId").asText(null))) {
                    break;
                }
                assertWellFormed(answer);
            }
        }
        // The other device never noticed.
        String id = "by-" + (++probes);
        bystander.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.ok\",\"payload\":{\"value\":1},\"correlationId\":\""
                + id + "\"}");
        assertThat(bystander.awaitCorrelation(id).path("type").asInt()).isEqualTo(6);
    }

    private static void assertWellFormed(JsonNode answer) {
        int type = answer.path("type").asInt(-1);
        assertThat(type).as("answer %s", answer).isIn(3, 5, 6, 7, 8, 10);
        if (type == 7) {
            assertThat(CODES).as("code of %s", answer).contains(answer.path("payload").path("code").asText());
            String message = answer.path("payload").path("message").asText();
            assertThat(message).as("error text of %s", answer).isNotBlank()
                    .doesNotContain("Exception").doesNotContain("at com.").doesNotContain("at java.")
                    .doesNotContain("StreamReadConstraints");
        }
    }

    @Provide
    Arbitrary<String> mutatedFrames() {
        Arbitrary<String> seed = Arbitraries.of(SEEDS);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 400);
        Arbitrary<String> insert = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "1e999", "-0", "\"type\":",
                        "\"subject\":\"$JS.API.STREAM.DELETE.TELEMETRY\"", "\"subject\":\">\"", "\"payload\":",
                        "\"correlationId\":", "\"timeoutMs\":-1", "\"type\":3", "\"type\":8", "\\u0000", "\\ud800",
                        "\u00e9", "\u2028", "\"durable\":true", "[[[[[[[[", "\"a\".\"b\""),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 2);
        return Combinators.combine(seed, position, insert, cut).as((s, p, ins, c) -> {
            int at = Math.min(p, s.length());
            String mutated = s.substring(0, at) + ins + s.substring(at);
            if (c == 1) {
                mutated = mutated.substring(0, Math.min(mutated.length(), p));
            } else if (c == 2) {
                mutated = mutated.replace("\"type\":0", "\"type\":" + (p % 12));
            }
            return mutated.isEmpty() ? "{" : mutated;
        });
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
