package com.pharmabridge.gateway.validation;

import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadValidatorTest {
    private static final PayloadValidator DEFAULTS = PayloadValidator.create(ValidationConfig.defaults());

    /**
     * One payload of every kind the line simulator publishes, copied from its output (seed 7, batch B2024-001): the
     * simulator is not a dependency of the gateway.
     */
    static Stream<String[]> simulatorPayloads() {
        return Stream.of(
                new String[]{"factory.chicago.line1.blister-sealer.temperature",
                        "{\"value\":185.2,\"unit\":\"C\",\"zone\":\"upper\",\"setpoint\":185.0,\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.blister-sealer.pressure",
                        "{\"value\":4.48,\"unit\":\"bar\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.blister-sealer.dwell-time",
                        "{\"value\":1.198,\"unit\":\"s\",\"batchId\":\"B2024-001\"}"},
                new String[]{"quality.line1.blister-sealer.seal-integrity", "{\"result\":\"pass\",\"batchId\":\"B2024-001\"}"},
                new String[]{"quality.line1.blister-sealer.seal-integrity", "{\"result\":\"fail\",\"batchId\":\"B2024-001\"}"},
                new String[]{"alerts.chicago.line1.temperature-excursion",
                        "{\"severity\":\"high\",\"value\":192.7,\"limit\":190.0,\"zone\":\"upper\",\"equipment\":\"blister-sealer\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.cartoner.state", "{\"value\":\"running\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.cartoner.state", "{\"value\":\"stopped\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.cartoner.state", "{\"value\":\"fault\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.cartoner.count", "{\"value\":8,\"unit\":\"cartons\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.cartoner.reject",
                        "{\"value\":1,\"reason\":\"open-flap\",\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.case-packer.weight",
                        "{\"value\":12.399,\"unit\":\"kg\",\"target\":12.50,\"tolerance\":0.25,\"accepted\":true,\"case\":1,\"batchId\":\"B2024-001\"}"},
                new String[]{"quality.line1.case-packer.weight-check",
                        "{\"result\":\"fail\",\"value\":11.811,\"target\":12.50,\"tolerance\":0.25,\"case\":162,\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.serialization.read",
                        "{\"gtin\":\"09711036584808\",\"lot\":\"B2024-001\",\"expiry\":\"280131\",\"serial\":\"525451923937\",\"grade\":\"A\",\"readable\":true,\"batchId\":\"B2024-001\"}"},
                new String[]{"factory.chicago.line1.serialization.read",
                        "{\"gtin\":\"09711036584808\",\"lot\":\"B2024-001\",\"expiry\":\"280131\",\"serial\":\"103358113965\",\"grade\":\"D\",\"readable\":false,\"batchId\":\"B2024-001\"}"},
                new String[]{"quality.line1.serialization.vision-inspection",
                        "{\"result\":\"pass\",\"grade\":\"A\",\"serial\":\"525451923937\",\"batchId\":\"B2024-001\"}"},
                new String[]{"quality.line1.serialization.vision-inspection",
                        "{\"result\":\"fail\",\"grade\":\"D\",\"serial\":\"103358113965\",\"batchId\":\"B2024-001\"}"});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("simulatorPayloads")
    void everyKindOfSimulatorPayloadValidates(String subject, String payload) {
        assertThat(DEFAULTS.schemaFor(subject)).isNotNull();
        assertThatCode(() -> validate(DEFAULTS, subject, payload)).doesNotThrowAnyException();
    }

    @Test
    void originalSpecificationTelemetryExampleValidates() {
        assertThatCode(() -> validate(DEFAULTS, "telemetry.line1.blister-sealer.temperature",
                "{\"value\":185.5,\"unit\":\"C\",\"zone\":\"upper\",\"batchId\":\"B2024-001\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void validatesThePayloadWhereItLiesInsideTheEnvelopeFrame() {
        String frame = "{\"type\":0,\"subject\":\"telemetry.line1.blister-sealer.temperature\","
                + "\"payload\":{\"value\":185.5,\"unit\":\"C\"},\"correlationId\":\"msg-123\"}";
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        int offset = frame.indexOf("{\"value\"");
        int length = frame.indexOf('}', offset) + 1 - offset;

        assertThatCode(() -> DEFAULTS.validate("telemetry.line1.blister-sealer.temperature", bytes, offset, length))
                .doesNotThrowAnyException();
        String bad = frame.replace("185.5", "true ");
        assertThatThrownBy(() -> DEFAULTS.validate("telemetry.line1.x", bad.getBytes(StandardCharsets.UTF_8), offset, length))
                .hasMessageContaining("at /value:");
    }

    @Test
    void telemetryValueOfTheWrongTypeIsRefusedNamingSlashValue() {
        assertInvalid(() -> validate(DEFAULTS, "factory.chicago.line1.blister-sealer.temperature", "{\"value\":true,\"unit\":\"C\"}"))
                .hasMessageStartingWith("Payload does not match schema 'telemetry' at /value: must be a number");
    }

    @Test
    void numberSentAsTextIsRefusedBecauseTextIsOnlyForStateNames() {
        assertInvalid(() -> validate(DEFAULTS, "telemetry.line1.sealer.temperature", "{\"value\":\"185.5\"}"))
                .hasMessageContaining("at /value:")
                .hasMessageContaining("state name");
    }

    @Test
    void missingTelemetryValueIsNamedByItsPointer() {
        assertInvalid(() -> validate(DEFAULTS, "telemetry.line1.sealer.temperature", "{\"unit\":\"C\"}"))
                .hasMessage("Payload does not match schema 'telemetry' at /value: is required");
    }

    @Test
    void unitMustBeText() {
        assertInvalid(() -> validate(DEFAULTS, "telemetry.line1.sealer.temperature", "{\"value\":1,\"unit\":7}"))
                .hasMessageContaining("at /unit:");
    }

    @Test
    void batchIdNotMatchingThePatternIsRefusedNamingSlashBatchId() {
        assertInvalid(() -> validate(DEFAULTS, "telemetry.line1.sealer.temperature", "{\"value\":1,\"batchId\":\"B 2024/001\"}"))
                .hasMessageStartingWith("Payload does not match schema 'telemetry' at /batchId: is not a batch id");
        assertInvalid(() -> validate(DEFAULTS, "alerts.chicago.line1.equipment-fault", "{\"batchId\":42}"))
                .hasMessage("Payload does not match schema 'alert' at /batchId: must be a string");
    }

    @Test
    void batchIdPatternComesFromTheConfiguration() {
        PayloadValidator strict = PayloadValidator.create(new ValidationConfig(true, ValidationConfig.DEFAULT_RULES,
                "^B[0-9]{4}-[0-9]{3}$", ValidationConfig.DEFAULT_GS1_SUBJECTS));

        assertThatCode(() -> validate(strict, "telemetry.line1.x", "{\"value\":1,\"batchId\":\"B2024-001\"}"))
                .doesNotThrowAnyException();
        assertInvalid(() -> validate(strict, "telemetry.line1.x", "{\"value\":1,\"batchId\":\"LOT-7\"}"))
                .hasMessageContaining("at /batchId: is not a batch id (must match ^B[0-9]{4}-[0-9]{3}$)");
    }

    @Test
    void payloadThatIsNotAnObjectIsRefusedAtTheRoot() {
        assertInvalid(() -> validate(DEFAULTS, "telemetry.line1.x", "185.5"))
                .hasMessageStartingWith("Payload does not match schema 'telemetry' at (root): must be a JSON object");
    }

    @Test
    void severalProblemsReportTheFirstAndCountTheRest() {
        assertInvalid(() -> validate(DEFAULTS, "telemetry.line1.x", "{\"value\":true,\"unit\":7,\"batchId\":\"?\"}"))
                .hasMessageContaining("(and 2 more)");
    }

    @Test
    void alertSeverityMustBeOneOfTheKnownLevels() {
        assertInvalid(() -> validate(DEFAULTS, "alerts.chicago.line1.temperature-excursion", "{\"severity\":\"urgent\"}"))
                .hasMessage("Payload does not match schema 'alert' at /severity: must be one of low, medium, high, critical");
    }

    @Test
    void qualityResultIsRequiredAndIsPassOrFail() {
        assertInvalid(() -> validate(DEFAULTS, "quality.line1.case-packer.weight-check", "{\"value\":12.4}"))
                .hasMessage("Payload does not match schema 'quality' at /result: is required");
        assertInvalid(() -> validate(DEFAULTS, "quality.line1.case-packer.weight-check", "{\"result\":\"ok\"}"))
                .hasMessage("Payload does not match schema 'quality' at /result: must be \"pass\" or \"fail\"");
    }

    @ParameterizedTest
    @CsvSource({"start", "complete", "hold", "release"})
    void batchLifecycleEventsValidate(String event) {
        assertThat(DEFAULTS.schemaFor("batch.B2024-001." + event)).isEqualTo("batch-event");
        assertThatCode(() -> validate(DEFAULTS, "batch.B2024-001." + event,
                "{\"batchId\":\"B2024-001\",\"product\":\"Amoxicillin 500mg\",\"operator\":\"jdoe\",\"quantity\":12000}"))
                .doesNotThrowAnyException();
    }

    @Test
    void batchSubjectWhoseLastTokenIsNoLifecycleEventIsRefused() {
        assertInvalid(() -> validate(DEFAULTS, "batch.B2024-001.pause", "{}"))
                .hasMessage("Subject batch.B2024-001.pause is not a batch lifecycle event: its last token must be "
                        + "start, complete, hold or release");
    }

    @Test
    void batchEventPayloadIsChecked() {
        assertInvalid(() -> validate(DEFAULTS, "batch.B2024-001.complete", "{\"quantity\":-5}"))
                .hasMessage("Payload does not match schema 'batch-event' at /quantity: must not be negative");
    }

    @Test
    void eventsAreObjects() {
        assertThatCode(() -> validate(DEFAULTS, "events.line1.changeover", "{\"from\":\"B2024-001\",\"to\":\"B2024-002\"}"))
                .doesNotThrowAnyException();
        assertInvalid(() -> validate(DEFAULTS, "events.line1.changeover", "[1,2]"))
                .hasMessage("Payload does not match schema 'event' at (root): must be a JSON object");
    }

    @Test
    void readableSerializationReadMustCarryItsGs1Data() {
        assertInvalid(() -> validate(DEFAULTS, "factory.chicago.line1.serialization.read",
                "{\"gtin\":\"09711036584808\",\"lot\":\"B2024-001\",\"expiry\":\"280131\",\"readable\":true}"))
                .hasMessage("Payload does not match schema 'serialization-read' at /serial: is required");
        assertThatCode(() -> validate(DEFAULTS, "factory.chicago.line1.serialization.read",
                "{\"grade\":\"F\",\"readable\":false}")).doesNotThrowAnyException();
    }

    @Test
    void unknownSubjectsPassWithoutBeingParsed() {
        assertThat(DEFAULTS.schemaFor("commands.line1.blister-sealer.calibrate")).isNull();
        assertThatCode(() -> validate(DEFAULTS, "commands.line1.blister-sealer.calibrate", "not json at all"))
                .doesNotThrowAnyException();
        assertThatCode(() -> validate(DEFAULTS, "config.line1.blister-sealer", "42")).doesNotThrowAnyException();
    }

    @Test
    void firstMatchingRuleWins() {
        assertThat(DEFAULTS.schemaFor("factory.chicago.line1.serialization.read")).isEqualTo("serialization-read");
        assertThat(DEFAULTS.schemaFor("factory.chicago.line1.serialization.grade")).isEqualTo("telemetry");
        assertThat(DEFAULTS.schemaFor("telemetry.line1.blister-sealer.temperature")).isEqualTo("telemetry");
        assertThat(DEFAULTS.schemaFor("alerts.chicago.line1.equipment-fault")).isEqualTo("alert");
        assertThat(DEFAULTS.schemaFor("quality.line1.serialization.vision-inspection")).isEqualTo("quality");
        assertThat(DEFAULTS.schemaFor("events.line1.changeover")).isEqualTo("event");
        assertThat(DEFAULTS.schemaFor("batch.B2024-001")).isNull();
    }

    @Test
    void disabledValidationAcceptsEverything() {
        ValidationConfig off = new ValidationConfig(false, ValidationConfig.DEFAULT_RULES,
                ValidationConfig.DEFAULT_BATCH_ID_PATTERN, ValidationConfig.DEFAULT_GS1_SUBJECTS);

        assertThat(PayloadValidator.create(off)).isSameAs(PayloadValidator.none());
        assertThat(PayloadValidator.none().schemaFor("telemetry.line1.x")).isNull();
        assertThatCode(() -> validate(PayloadValidator.none(), "telemetry.line1.x", "{\"n\":1}")).doesNotThrowAnyException();
    }

    @Test
    void everyShippedSchemaCompiles() {
        for (String name : ValidationConfig.SHIPPED_SCHEMAS) {
            PayloadValidator validator = PayloadValidator.create(new ValidationConfig(true,
                    List.of(new ValidationConfig.Rule(List.of("x.>"), name)), ValidationConfig.DEFAULT_BATCH_ID_PATTERN,
                    List.of()));
            assertThat(validator.schemaFor("x.y")).isEqualTo(name);
        }
    }

    static void validate(PayloadValidator validator, String subject, String payload) {
        byte[] bytes = ("  " + payload + "  ").getBytes(StandardCharsets.UTF_8);
        validator.validate(subject, bytes, 2, bytes.length - 4);
    }

    static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
    }
}
