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

    /**
     * The schema check made while the envelope is decoded (one parse of the frame) answers exactly as the check made
     * afterwards on the payload's bytes: same acceptance, same refusal text, same fields read, same envelope.
     */
    @Test
    void checkingThePayloadDuringTheEnvelopeParseAnswersAsCheckingItAfterwards() {
        PayloadValidator validator = PayloadValidator.create(ValidationConfig.defaults());
        EnvelopeDecoder decoder = new EnvelopeDecoder();
        List<String> subjects = List.of("factory.p1.line1.sealer.temperature", "quality.line1.sealer.seal",
                "alerts.p1.line1.excursion", "events.p1.line1.sealer.state", "batch.B1.start", "batch.B1.hold",
                "factory.p1.line1.serialization.read", "unvalidated.subject");
        List<String> payloads = List.of(
                "{\"value\":185.2,\"unit\":\"C\",\"batchId\":\"B2024-001\"}",
                "{\"value\":\"running\",\"batchId\":\"B1\"}",
                "{\"value\":\"not a state!\"}",
                "{\"value\":true}",
                "{\"unit\":\"C\"}",
                "{\"value\":1,\"unit\":\"\"}",
                "{\"value\":1,\"value\":\"x y\"}",
                "{\"value\":1,\"nested\":{\"a\":1,\"a\":2},\"samples\":[1,2,{\"b\":[]}]}",
                "{\"result\":\"pass\",\"batchId\":\"B1\"}",
                "{\"result\":\"maybe\"}",
                "{\"severity\":\"high\",\"value\":192.7,\"limit\":190.0,\"line\":\"line1\",\"plant\":\"p1\"}",
                "{\"product\":\"X\",\"quantity\":100,\"line\":\"line1\",\"batchId\":12}",
                "{\"batchId\":\"B1\",\"batchId\":\"B2\",\"value\":3}",
                "{\"value\":1e400}",
                "{\"value\":" + "9".repeat(150) + "}",
                "[1,2,3]", "\"text\"", "42", "null", "{}");
        List<String> layouts = List.of(
                "{\"type\":0,\"subject\":\"%s\",\"payload\":%s,\"correlationId\":\"c1\"}",
                "{\"type\":4,\"subject\":\"%s\",\"correlationId\":\"c1\",\"payload\":%s}",
                "{\"subject\":\"%s\",\"payload\":%s,\"type\":0}",
                "{\"type\":0,\"subject\":\"%s\",\"payload\":%s,\"subject\":\"unvalidated.subject\"}",
                "{\"type\":1,\"subject\":\"%s\",\"payload\":%s}");
        int inspected = 0;
        for (String subject : subjects) {
            for (String payload : payloads) {
                for (String layout : layouts) {
                    byte[] frame = String.format(layout, subject, payload).getBytes(StandardCharsets.UTF_8);
                    Envelope plain = decoder.decode(frame);
                    Envelope checked = decoder.decode(frame, 0, frame.length, validator.inspector());
                    String what = new String(frame, StandardCharsets.UTF_8);
                    assertThat(checked.toString()).as(what).isEqualTo(plain.toString());
                    assertThat(checked.payloadOffset()).as(what).isEqualTo(plain.payloadOffset());
                    assertThat(checked.payloadLength()).as(what).isEqualTo(plain.payloadLength());
                    assertThat(checked.correlationId()).as(what).isEqualTo(plain.correlationId());
                    if (checked.inspection() != null) {
                        inspected++;
                    }
                    assertThat(outcome(validator, plain, null)).as(what)
                            .isEqualTo(outcome(validator, checked, checked.inspection()));
                }
            }
        }
        // 6 subjects with a streaming schema (the serialization read is GS1: tree path) x 20 payloads x 2 layouts
        assertThat(inspected).as("frames checked during the envelope parse").isEqualTo(240);
    }

    private static String outcome(PayloadValidator validator, Envelope envelope, Object inspection) {
        try {
            CheckedPayload checked = validator.validate(envelope.subject(), envelope.frame(),
                    envelope.payloadOffset(), envelope.payloadLength(), inspection);
            if (checked == null) {
                return "no rule";
            }
            StringBuilder fields = new StringBuilder("accepted");
            for (String field : List.of("batchId", "line", "plant")) {
                fields.append(' ').append(field).append('=').append(Payloads.topLevelString(envelope, checked, field));
            }
            return fields.toString();
        } catch (RuntimeException refused) {
            return "refused: " + refused.getMessage();
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
