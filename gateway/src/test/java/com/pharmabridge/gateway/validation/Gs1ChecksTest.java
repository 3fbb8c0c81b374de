package com.pharmabridge.gateway.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.pharmabridge.gateway.validation.PayloadValidatorTest.assertInvalid;
import static com.pharmabridge.gateway.validation.PayloadValidatorTest.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class Gs1ChecksTest {
    private static final PayloadValidator VALIDATOR = PayloadValidator.create(ValidationConfig.defaults());
    private static final String READ = "factory.chicago.line1.serialization.read";
    private static final String INSPECTION = "quality.line1.serialization.vision-inspection";

    private static String read(String gtin, String lot, String expiry, String serial) {
        return "{\"gtin\":\"" + gtin + "\",\"lot\":\"" + lot + "\",\"expiry\":\"" + expiry + "\",\"serial\":\"" + serial
                + "\",\"grade\":\"A\",\"readable\":true,\"batchId\":\"B2024-001\"}";
    }

    @Test
    void correctGs1DataPasses() {
        assertThatCode(() -> validate(VALIDATOR, READ, read("09711036584808", "B2024-001", "280131", "525451923937")))
                .doesNotThrowAnyException();
        // The GTIN of the GS1 General Specifications' own examples.
        assertThatCode(() -> validate(VALIDATOR, READ, read("09506000134352", "L1", "280131", "1")))
                .doesNotThrowAnyException();
    }

    @Test
    void wrongGtinCheckDigitIsRefusedNamingTheExpectedDigit() {
        assertInvalid(() -> validate(VALIDATOR, READ, read("09711036584809", "B2024-001", "280131", "525451923937")))
                .hasMessage("Payload fails the GS1 checks at /gtin: GTIN check digit is wrong (expected 8)");
        assertInvalid(() -> validate(VALIDATOR, READ, read("09506000134350", "B2024-001", "280131", "525451923937")))
                .hasMessageEndingWith("GTIN check digit is wrong (expected 2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"280230", "270229", "281301", "280001", "280132", "280431"})
    void expiryThatIsNoRealDateIsRefused(String expiry) {
        assertInvalid(() -> validate(VALIDATOR, READ, read("09711036584808", "B2024-001", expiry, "525451923937")))
                .hasMessage("Payload fails the GS1 checks at /expiry: expiry (17) is not a real date YYMMDD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"280229", "000229", "261231", "280430", "280200"})
    void realExpiryDatesPassIncludingLeapDaysAndGs1DayZero(String expiry) {
        assertThatCode(() -> validate(VALIDATOR, READ, read("09711036584808", "B2024-001", expiry, "525451923937")))
                .doesNotThrowAnyException();
    }

    @Test
    void lotLongerThanTwentyCharactersIsRefused() {
        assertThatCode(() -> validate(VALIDATOR, READ, read("09711036584808", "L".repeat(20), "280131", "1")))
                .doesNotThrowAnyException();
        assertInvalid(() -> validate(VALIDATOR, READ, read("09711036584808", "L".repeat(21), "280131", "1")))
                .hasMessage("Payload fails the GS1 checks at /lot: lot (10) longer than 20 characters");
    }

    @Test
    void serialLongerThanTwentyCharactersIsRefused() {
        assertThatCode(() -> validate(VALIDATOR, READ, read("09711036584808", "B2024-001", "280131", "9".repeat(20))))
                .doesNotThrowAnyException();
        assertInvalid(() -> validate(VALIDATOR, READ, read("09711036584808", "B2024-001", "280131", "9".repeat(21))))
                .hasMessage("Payload fails the GS1 checks at /serial: serial (21) longer than 20 characters");
    }

    @Test
    void gs1ChecksApplyToTheFieldsPresentOnQualitySubjectsOfSerialization() {
        assertInvalid(() -> validate(VALIDATOR, INSPECTION,
                "{\"result\":\"pass\",\"grade\":\"A\",\"serial\":\"" + "1".repeat(21) + "\"}"))
                .hasMessage("Payload fails the GS1 checks at /serial: serial (21) longer than 20 characters");
        assertThatCode(() -> validate(VALIDATOR, INSPECTION, "{\"result\":\"pass\",\"grade\":\"A\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void gs1ChecksDoNotApplyOutsideTheirSubjects() {
        assertThatCode(() -> validate(VALIDATOR, "quality.line1.cartoner.label-check",
                "{\"result\":\"pass\",\"serial\":\"" + "1".repeat(30) + "\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void gtinThatIsNotFourteenDigitsIsRefusedBySchemaOrGs1Check() {
        assertInvalid(() -> validate(VALIDATOR, READ, read("9711036584808", "B2024-001", "280131", "1")))
                .hasMessage("Payload does not match schema 'serialization-read' at /gtin: must be 14 digits (GTIN-14)");
        assertInvalid(() -> validate(VALIDATOR, "factory.chicago.line1.serialization.label",
                "{\"value\":1,\"gtin\":\"0971103658480X\"}"))
                .hasMessage("Payload fails the GS1 checks at /gtin: GTIN (01) must be 14 digits");
    }

    @Test
    void checkDigitFollowsTheGs1Algorithm() {
        assertThat(Gs1Checks.checkDigit("09506000134352")).isEqualTo(2);
        assertThat(Gs1Checks.checkDigit("00000000000000")).isZero();
        assertThat(Gs1Checks.checkDigit("10614141000415")).isEqualTo(5);
    }
}
