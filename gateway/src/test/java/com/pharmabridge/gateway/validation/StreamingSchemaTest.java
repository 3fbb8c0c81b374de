package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.pharmabridge.gateway.validation.StreamingSchema.INVALID;
import static com.pharmabridge.gateway.validation.StreamingSchema.UNSURE;
import static com.pharmabridge.gateway.validation.StreamingSchema.VALID;
import static org.assertj.core.api.Assertions.assertThat;

/** The streaming check keyword by keyword: what it finds valid, invalid, and leaves to networknt (unsure). */
class StreamingSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StreamingSchema compile(String schema) throws Exception {
        return StreamingSchema.compile(JSON.readTree(schema), null);
    }

    private static byte outcome(String schema, String payload) throws Exception {
        StreamingSchema compiled = compile(schema);
        assertThat(compiled).as("fast path for " + schema).isNotNull();
        byte[] bytes = (" " + payload + " ").getBytes(StandardCharsets.UTF_8);
        return compiled.check(bytes, 1, bytes.length - 2, new String[0], new String[0]);
    }

    @ParameterizedTest(name = "{0} against {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"object\"}|{}|0",
            "{\"type\":\"object\"}|[]|1",
            "{\"type\":[\"number\",\"string\"]}|\"x\"|0",
            "{\"type\":[\"number\",\"string\"]}|true|1",
            "{\"type\":\"number\"}|7|0",
            "{\"type\":\"integer\"}|7|0",
            "{\"type\":\"integer\"}|7.5|2",
            "{\"type\":\"integer\"}|1.0|2",
            "{\"type\":\"string\"}|1.0|1",
            "{\"type\":\"null\"}|null|0",
            "{\"type\":\"boolean\"}|false|0",
            "{\"type\":\"number\"}|1e400|2",
            "{\"type\":\"number\"}|1e-400|0",
            "{\"required\":[\"a\",\"b\"]}|{\"b\":1,\"a\":2}|0",
            "{\"required\":[\"a\",\"b\"]}|{\"b\":1}|1",
            "{\"required\":[\"a\"]}|[1]|0",
            "{\"properties\":{\"a\":{\"type\":\"string\"}}}|{\"a\":\"x\",\"b\":1}|0",
            "{\"properties\":{\"a\":{\"type\":\"string\"}}}|{\"a\":1}|1",
            "{\"properties\":{\"a\":{\"type\":\"string\"}}}|{\"a\":\"x\",\"a\":\"y\"}|2",
            "{\"additionalProperties\":false,\"properties\":{\"a\":true}}|{\"a\":1}|0",
            "{\"additionalProperties\":false,\"properties\":{\"a\":true}}|{\"a\":1,\"b\":2}|1",
            "{\"additionalProperties\":{\"type\":\"integer\"}}|{\"a\":1,\"b\":2}|0",
            "{\"pattern\":\"^[0-9]{3}$\"}|\"123\"|0",
            "{\"pattern\":\"^[0-9]{3}$\"}|\"123\\n\"|1",
            "{\"pattern\":\"[0-9]\"}|\"ab5c\"|0",
            "{\"pattern\":\"^\\\\p{Letter}+$\"}|\"abc\"|0",
            "{\"pattern\":\"^x\"}|5|0",
            "{\"minLength\":2,\"maxLength\":3}|\"ab\"|0",
            "{\"minLength\":2,\"maxLength\":3}|\"abcd\"|1",
            "{\"maxLength\":2}|\"\\ud83d\\ude00\\ud83d\\ude00\"|0",
            "{\"maxLength\":1}|\"\\ud83d\\ude00\\ud83d\\ude00\"|1",
            "{\"minimum\":0}|0|0",
            "{\"minimum\":0}|-1|1",
            "{\"minimum\":0}|-0.0|2",
            "{\"minimum\":0}|-0|0",
            "{\"minimum\":0}|0.5|0",
            "{\"minimum\":0.1}|0.1|2",
            "{\"minimum\":0.1}|0.2|0",
            "{\"minimum\":0.1}|0|1",
            "{\"exclusiveMinimum\":0}|0|1",
            "{\"exclusiveMaximum\":10}|10|1",
            "{\"exclusiveMaximum\":10}|9|0",
            "{\"maximum\":10}|12345678901234567890123|1",
            "{\"maximum\":1e30}|12345678901234567890123|0",
            "{\"type\":\"integer\",\"minimum\":0}|0.5|2",
            "{\"minimum\":0}|\"text\"|0",
            "{\"enum\":[\"a\",true,null]}|\"a\"|0",
            "{\"enum\":[\"a\",true,null]}|null|0",
            "{\"enum\":[\"a\",true,null]}|false|1",
            "{\"enum\":[\"a\",true,null]}|{}|1",
            "{\"enum\":[\"a\",1]}|1|2",
            "{\"enum\":[\"a\"]}|1|1",
            "{\"const\":\"a\"}|\"a\"|0",
            "{\"const\":\"a\"}|\"b\"|1",
            "{\"const\":2}|2.0|2",
            "{\"if\":{\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]},\"else\":{\"required\":[\"c\"]}}|{\"a\":1,\"b\":1}|0",
            "{\"if\":{\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]},\"else\":{\"required\":[\"c\"]}}|{\"a\":1,\"c\":1}|1",
            "{\"if\":{\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]},\"else\":{\"required\":[\"c\"]}}|{\"c\":1}|0",
            "{\"if\":{\"properties\":{\"n\":{\"type\":\"integer\"}}},\"then\":{\"required\":[\"b\"]}}|{\"n\":1.0}|2",
            "{\"allOf\":[{\"type\":\"object\"},{\"required\":[\"a\"]}]}|{\"a\":1}|0",
            "{\"allOf\":[{\"type\":\"object\"},{\"required\":[\"a\"]}]}|{}|1",
            "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}|2|0",
            "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}|2.5|2",
            "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}|true|1",
            "{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}|2|1",
            "{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"string\"}]}|2|0",
            "{\"not\":{\"type\":\"string\"}}|2|0",
            "{\"not\":{\"type\":\"string\"}}|\"2\"|1",
            "{\"not\":{\"type\":\"integer\"}}|2.0|2",
            "{\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":2}|[1,2]|0",
            "{\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":2}|[1,2,3]|1",
            "{\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":2}|[]|1",
            "{\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":2}|[\"a\"]|1",
            "{\"items\":false}|[]|0",
            "{\"items\":false}|[1]|1",
            "{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\"}}}|{\"a\":1}|0",
            "{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\"}}}|{\"a\":\"1\"}|1",
            "{\"properties\":{\"kids\":{\"items\":{\"$ref\":\"#\"}},\"v\":{\"type\":\"integer\"}}}|{\"kids\":[{\"v\":1,\"kids\":[{\"v\":2}]}]}|0",
            "{\"properties\":{\"kids\":{\"items\":{\"$ref\":\"#\"}},\"v\":{\"type\":\"integer\"}}}|{\"kids\":[{\"kids\":[{\"v\":\"x\"}]}]}|1",
            "true|[1,{\"a\":null}]|0",
            "false|1|1",
            "{\"title\":\"only annotations\",\"readOnly\":true}|{\"a\":1}|0",
    })
    void keyword(String schema, String payload, byte expected) throws Exception {
        assertThat(outcome(schema, payload)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json", "{", "{\"a\":1} trailing", "{\"a\":01}", "''", "[1,]", "{\"a\":NaN}"})
    void inputTheTreeParserMayReadOtherwiseIsLeftToIt(String payload) throws Exception {
        assertThat(outcome("{}", payload.equals("''") ? "" : payload)).isEqualTo(UNSURE);
    }

    @Test
    void overlongNumbersAnywhereAreLeftToTheTreeParser() throws Exception {
        assertThat(outcome("{}", "{\"a\":[" + "9".repeat(101) + "]}")).isEqualTo(UNSURE);
        assertThat(outcome("{}", "{\"a\":[" + "9".repeat(100) + "]}")).isEqualTo(VALID);
    }

    @Test
    void repeatedKeysInCheckedObjectsAreLeftToNetworknt() throws Exception {
        String nested = "{\"properties\":{\"a\":{\"properties\":{\"b\":{\"type\":\"integer\"}}}}}";
        // The tree keeps the last "b" (2, valid); a streaming check must not decide on the first.
        assertThat(outcome(nested, "{\"a\":{\"b\":\"x\",\"b\":2}}")).isEqualTo(UNSURE);
        assertThat(outcome(nested, "{\"a\":{\"b\":1},\"a\":{\"b\":2}}")).isEqualTo(UNSURE);
        assertThat(outcome("{}", "{\"a\":{\"b\":1},\"c\":{\"b\":2}}")).isEqualTo(VALID);
        String many = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "\"k" + i + "\":" + i)
                .collect(java.util.stream.Collectors.joining(","));
        assertThat(outcome("{}", "{" + many + "}")).isEqualTo(VALID);
        assertThat(outcome("{}", "{" + many + ",\"k7\":0}")).isEqualTo(UNSURE);
    }

    @Test
    void aPatternRemembersOnlyTheTextItWasFoundIn() throws Exception {
        // One compiled schema, as in the gateway: the last matching text is remembered, nothing else is let through.
        StreamingSchema compiled = compile("{\"type\":\"string\",\"pattern\":\"^B[0-9]+$\"}");
        for (String[] step : new String[][]{{"\"B12\"", "0"}, {"\"B12\"", "0"}, {"\"B1x\"", "1"}, {"\"B13\"", "0"},
                {"\"B12\"", "0"}, {"\"B123\"", "0"}, {"\"X123\"", "1"}, {"\"B12 \"", "1"}, {"\"B12\"", "0"}}) {
            byte[] bytes = step[0].getBytes(StandardCharsets.UTF_8);
            assertThat(compiled.check(bytes, 0, bytes.length, new String[0], new String[0])).as(step[0])
                    .isEqualTo(Byte.parseByte(step[1]));
        }
    }

    @Test
    void repeatedKeysWhereNoSchemaLooksAreAcceptedAsNetworkntDoes() throws Exception {
        // Nothing constrains "a"'s members: the tree's last-wins value is never checked either.
        assertThat(outcome("{}", "{\"a\":{\"b\":1,\"b\":2}}")).isEqualTo(VALID);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"format\":\"date\"}",
            "{\"properties\":{\"a\":{\"patternProperties\":{\"x\":true}}}}",
            "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
            "{\"properties\":{\"a\":{\"$id\":\"inner\",\"type\":\"string\"}}}",
            "{\"$ref\":\"other.json\"}",
            "{\"$ref\":\"#anchor\"}",
            "{\"allOf\":[{\"$ref\":\"#\"}]}",
            "{\"enum\":[{\"a\":1}]}",
            "{\"then\":{\"required\":[\"a\"]}}",
            "{\"minLength\":1.0}",
            "{\"$defs\":{\"a\":{\"unevaluatedProperties\":false}},\"$ref\":\"#/$defs/a\"}",
    })
    void schemasUsingAnythingElseHaveNoFastPath(String schema) throws Exception {
        assertThat(compile(schema)).isNull();
    }

    @Test
    void unusedDefinitionsDoNotMatter() throws Exception {
        assertThat(compile("{\"$defs\":{\"a\":{\"format\":\"date\"}},\"type\":\"object\"}")).isNotNull();
    }

    @Test
    void everyShippedSchemaHasTheFastPath() {
        PayloadValidator validator = PayloadValidator.create(ValidationConfig.defaults());
        for (String subject : List.of("factory.chicago.line1.blister-sealer.temperature", "alerts.chicago.line1.x",
                "quality.line1.case-packer.weight-check", "batch.B2024-001.start", "events.line1.x",
                "factory.chicago.line1.serialization.read")) {
            assertThat(validator.hasFastPath(subject)).as(subject).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.MethodSource("com.pharmabridge.gateway.validation.PayloadValidatorTest#simulatorPayloads")
    void everySimulatorPayloadIsValidOnTheFastPath(String subject, String payload) {
        PayloadValidator validator = PayloadValidator.create(ValidationConfig.defaults());
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        assertThat(validator.fastPathOutcome(subject, bytes, 0, bytes.length)).isEqualTo(VALID);
    }

    @Test
    void fastPathCapturesTheTopLevelFieldsCallersRead() {
        PayloadValidator validator = PayloadValidator.create(ValidationConfig.defaults());
        byte[] bytes = "{\"value\":1,\"batchId\":\"B1\",\"line\":\"line1\",\"plant\":3.50,\"x\":{\"line\":\"no\"}}"
                .getBytes(StandardCharsets.UTF_8);
        String subject = "factory.chicago.line1.blister-sealer.temperature";
        assertThat(validator.fastPathOutcome(subject, bytes, 0, bytes.length)).isEqualTo(VALID);

        CheckedPayload checked = validator.validate(subject, bytes, 0, bytes.length);
        assertThat(checked.topLevelString("batchId")).isEqualTo("B1");
        assertThat(checked.topLevelString("line")).isEqualTo("line1");
        assertThat(checked.topLevelString("plant")).isEqualTo("3.50");
        assertThat(checked.topLevelString("value")).isEqualTo("1");
        assertThat(checked.topLevelString("x")).isNull();
    }

    @Test
    void invalidAndUnsurePayloadsGetNetworkntsVerdictAndWording(@TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("n.json"), "{\"properties\":{\"n\":{\"type\":\"integer\"}}}");
        PayloadValidator validator = PayloadValidator.create(new ValidationConfig(true,
                List.of(new ValidationConfig.Rule(List.of("n"), schema.toString())), ValidationConfig.DEFAULT_BATCH_ID_PATTERN,
                List.of()));
        byte[] whole = "{\"n\":1.0}".getBytes(StandardCharsets.UTF_8);
        byte[] half = "{\"n\":1.5}".getBytes(StandardCharsets.UTF_8);

        assertThat(validator.fastPathOutcome("n", whole, 0, whole.length)).isEqualTo(UNSURE);
        assertThat(validator.validate("n", whole, 0, whole.length).topLevelString("n")).isEqualTo("1.0");
        assertThat(validator.fastPathOutcome("n", half, 0, half.length)).isEqualTo(UNSURE);
        PayloadValidatorTest.assertInvalid(() -> validator.validate("n", half, 0, half.length))
                .hasMessageStartingWith("Payload does not match schema '" + schema + "' at /n:");
    }

    @Test
    void valuesNamedInvalidAreCertainEvenUnderNot() throws Exception {
        assertThat(outcome("{\"not\":{\"properties\":{\"a\":{\"minimum\":3}}}}", "{\"a\":2}")).isEqualTo(VALID);
        assertThat(outcome("{\"not\":{\"properties\":{\"a\":{\"minimum\":3}}}}", "{\"a\":3}")).isEqualTo(INVALID);
    }
}
