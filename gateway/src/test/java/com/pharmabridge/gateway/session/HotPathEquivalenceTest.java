package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.validation.CheckedPayload;
import com.pharmabridge.gateway.validation.PayloadValidator;
import com.pharmabridge.gateway.validation.ValidationConfig;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hot path's shortcuts give exactly what the plain ways give. */
class HotPathEquivalenceTest {
    @Test
    void topLevelFieldsFromTheValidatorAreTheOnesTheParserFinds(@TempDir Path dir) throws Exception {
        // An empty schema accepts every payload: the streaming check and the tree path both get to answer.
        Path anything = Files.writeString(dir.resolve("anything.json"), "{}");
        PayloadValidator validator = PayloadValidator.create(new ValidationConfig(true,
                List.of(new ValidationConfig.Rule(List.of("a.b"), anything.toString())),
                ValidationConfig.DEFAULT_BATCH_ID_PATTERN, List.of()));
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
                "{\"line\":\"line1\",\"plant\":7,\"batchId\":\"B1\",\"other\":\"x\"}",
                "{\"line\":[\"line1\"],\"plant\":{\"a\":1}}",
                "[{\"batchId\":\"in an array\"}]",
                "\"a string payload\"",
                "42");
        EnvelopeDecoder decoder = new EnvelopeDecoder();
        for (String payload : payloads) {
            Envelope envelope = decoder.decode(("{\"type\":0,\"subject\":\"a.b\",\"payload\":" + payload + "}")
                    .getBytes(StandardCharsets.UTF_8));
            CheckedPayload streamed = validator.validate("a.b", envelope.frame(), envelope.payloadOffset(),
                    envelope.payloadLength());
            CheckedPayload tree = validator.validateWithoutFastPath("a.b", envelope.frame(), envelope.payloadOffset(),
                    envelope.payloadLength());
            for (String field : List.of("batchId", "line", "plant", "other", "value")) {
                String expected = Payloads.topLevelString(envelope, field);
                assertThat(Payloads.topLevelString(envelope, streamed, field)).as(field + " of " + payload)
                        .isEqualTo(expected);
                assertThat(Payloads.topLevelString(envelope, tree, field)).as(field + " of " + payload)
                        .isEqualTo(expected);
                assertThat(Payloads.topLevelString(envelope, null, field)).as(field + " of " + payload)
                        .isEqualTo(expected);
            }
        }
        assertThat(Payloads.topLevelString(decoder.decode(
                "{\"type\":0,\"subject\":\"a.b\",\"payload\":{\"batchId\":\"B1\"}}".getBytes(StandardCharsets.UTF_8)),
                "batchId")).isEqualTo("B1");
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
