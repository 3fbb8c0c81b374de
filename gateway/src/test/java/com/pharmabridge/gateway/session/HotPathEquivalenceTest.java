package com.pharmabridge.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hot path's shortcuts give exactly what the plain ways give. */
class HotPathEquivalenceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void batchIdFromTheValidatorsTreeIsTheOneTheParserFinds() throws Exception {
        List<String> payloads = List.of(
                "{\"value\":1.5,\"batchId\":\"B26-1\"}",
                "{\"batchId\":\"first\",\"value\":1,\"batchId\":\"last\"}",
                "{\"batchId\":\"string\",\"batchId\":{\"nested\":\"object\"}}",
                "{\"batchId\":{\"nested\":\"object\"},\"batchId\":\"string\"}",
                "{\"batchId\":1.50E3}",
                "{\"batchId\":-0}",
                "{\"batchId\":12345678901234567890123}",
                "{\"batchId\":true}",
                "{\"batchId\":null}",
                "{\"batchId\":\"esc\\u0041ped\\n\"}",
                "{\"nested\":{\"batchId\":\"inner\"},\"value\":2}",
                "{\"value\":2}",
                "[{\"batchId\":\"in an array\"}]",
                "\"a string payload\"",
                "42");
        EnvelopeDecoder decoder = new EnvelopeDecoder();
        for (String payload : payloads) {
            Envelope envelope = decoder.decode(("{\"type\":0,\"subject\":\"a.b\",\"payload\":" + payload + "}")
                    .getBytes(StandardCharsets.UTF_8));
            JsonNode tree = MAPPER.readTree(payload);
            assertThat(Payloads.topLevelString(envelope, tree, "batchId")).as(payload)
                    .isEqualTo(Payloads.topLevelString(envelope, "batchId"));
            assertThat(Payloads.topLevelString(envelope, null, "batchId")).as(payload)
                    .isEqualTo(Payloads.topLevelString(envelope, "batchId"));
        }
    }

    @Test
    void receivedAtIsInstantToStringCharacterForCharacter() {
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextLong(-62_000_000_000L, 253_000_000_000L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            // Several in the same second, as a busy gateway formats them.
            Instant instant = Instant.ofEpochSecond(i % 3 == 0 ? second : 1_764_780_000L + i / 1000, nano);
            assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
        }
        Instant now = Instant.now();
        assertThat(IsoInstant.format(now)).isEqualTo(now.toString());
    }
}
