package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.pharmabridge.gateway.validation.PayloadValidatorTest.assertInvalid;
import static com.pharmabridge.gateway.validation.PayloadValidatorTest.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private final List<String> problems = new ArrayList<>();

    private ValidationConfig bind(String yaml) throws IOException {
        return ValidationConfig.bind(YAML.readTree(yaml).get("validation"), problems);
    }

    @Test
    void absentSectionBindsToTheShippedDefaults() {
        assertThat(ValidationConfig.bind(null, problems)).isEqualTo(ValidationConfig.defaults());
        assertThat(ValidationConfig.bind(MissingNode.getInstance(), problems)).isEqualTo(ValidationConfig.defaults());
        assertThat(problems).isEmpty();
    }

    @Test
    void defaultsAreEnabledWithTheShippedBindings() {
        ValidationConfig defaults = ValidationConfig.defaults();

        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.batchIdPattern()).isEqualTo("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
        assertThat(defaults.gs1Subjects()).containsExactly("factory.*.*.serialization.>", "quality.*.serialization.>");
        assertThat(defaults.rules()).extracting(ValidationConfig.Rule::schema)
                .containsExactly("serialization-read", "telemetry", "alert", "quality", "batch-event", "event");
    }

    @Test
    void emptySectionAndPartialSectionKeepTheOtherDefaults() throws IOException {
        assertThat(bind("validation: {}")).isEqualTo(ValidationConfig.defaults());
        ValidationConfig off = bind("validation:\n  Enabled: \"false\"\n");

        assertThat(problems).isEmpty();
        assertThat(off.enabled()).isFalse();
        assertThat(off.rules()).isEqualTo(ValidationConfig.DEFAULT_RULES);
    }

    @Test
    void customRuleWithASchemaFileComesBeforeTheShippedRules() throws IOException {
        Path schema = dir.resolve("labeller.json");
        Files.writeString(schema, """
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object", "required": ["labels"],
                 "properties": {"labels": {"type": "integer", "minimum": 0},
                                "batchId": {"$ref": "urn:pharmabridge:schema:batch-id"}}}
                """);
        ValidationConfig config = bind("""
                validation:
                  batchIdPattern: "^B[0-9]{4}-[0-9]{3}$"
                  rules:
                    - subjects: ["factory.*.*.labeller.>"]
                      schema: %s
                """.formatted(schema));

        assertThat(problems).isEmpty();
        assertThat(config.rules()).hasSize(1 + ValidationConfig.DEFAULT_RULES.size());
        PayloadValidator validator = PayloadValidator.create(config);
        assertThat(validator.schemaFor("factory.dublin.line3.labeller.count")).isEqualTo(schema.toString());
        assertThat(validator.schemaFor("factory.dublin.line3.cartoner.count")).isEqualTo("telemetry");
        assertThatCode(() -> validate(validator, "factory.dublin.line3.labeller.count", "{\"labels\":7,\"batchId\":\"B2024-001\"}"))
                .doesNotThrowAnyException();
        assertInvalid(() -> validate(validator, "factory.dublin.line3.labeller.count", "{\"labels\":-1}"))
                .hasMessageStartingWith("Payload does not match schema '" + schema + "' at /labels:");
        assertInvalid(() -> validate(validator, "factory.dublin.line3.labeller.count", "{\"labels\":1,\"batchId\":\"X\"}"))
                .hasMessageContaining("at /batchId: is not a batch id (must match ^B[0-9]{4}-[0-9]{3}$)");
    }

    @Test
    void yamlSchemaFilesAndDraft7AreAccepted() throws IOException {
        Path schema = dir.resolve("reject.yaml");
        Files.writeString(schema, """
                $schema: "http://json-schema.org/draft-07/schema#"
                type: object
                required: [reason]
                """);
        ValidationConfig config = bind("""
                validation:
                  includeDefaultRules: false
                  rules:
                    - subjects: "factory.*.*.*.reject"
                      schema: %s
                """.formatted(schema));

        assertThat(problems).isEmpty();
        assertThat(config.rules()).containsExactly(new ValidationConfig.Rule(List.of("factory.*.*.*.reject"), schema.toString()));
        PayloadValidator validator = PayloadValidator.create(config);
        assertInvalid(() -> validate(validator, "factory.c.l.cartoner.reject", "{\"value\":1}"))
                .hasMessageEndingWith("at /reason: is required");
        assertThat(validator.schemaFor("factory.c.l.cartoner.count")).isNull();
    }

    @Test
    void missingSchemaFileIsAProblemNamingTheKey() throws IOException {
        bind("""
                validation:
                  rules:
                    - subjects: ["events.>"]
                      schema: %s
                """.formatted(dir.resolve("nope.json")));

        assertThat(problems).singleElement().asString()
                .startsWith("validation.rules[0].schema: schema file ")
                .endsWith("nope.json does not exist");
    }

    @Test
    void unknownShippedSchemaNameIsAProblemNamingTheKey() throws IOException {
        bind("""
                validation:
                  rules:
                    - subjects: ["events.>"]
                      schema: telemtry
                """);

        assertThat(problems).containsExactly("validation.rules[0].schema: 'telemtry' is neither a shipped schema "
                + "(telemetry, event, alert, quality, batch-event, serialization-read) nor a schema file path "
                + "(a path has a / or ends in .json, .yaml or .yml)");
    }

    @Test
    void schemaFileThatIsNoValidSchemaIsAProblemAndCannotBeCompiled() throws IOException {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"type\": ");
        Path notSchema = dir.resolve("wrong.json");
        Files.writeString(notSchema, "{\"type\": \"nope\"}");
        Path badRegex = dir.resolve("regex.json");
        Files.writeString(badRegex, "{\"properties\": {\"a\": {\"pattern\": \"[\"}}}");
        bind("""
                validation:
                  rules:
                    - {subjects: ["a.>"], schema: %s}
                    - {subjects: ["b.>"], schema: %s}
                    - {subjects: ["c.>"], schema: %s}
                """.formatted(notJson, notSchema, badRegex));

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("validation.rules[0].schema: Schema file " + notJson + " cannot be read as JSON/YAML");
        assertThat(problems.get(1)).startsWith("validation.rules[1].schema: Schema file " + notSchema
                + " is not a valid JSON Schema (https://json-schema.org/draft/2020-12/schema) at /type:");
        assertThat(problems.get(2)).startsWith("validation.rules[2].schema: Schema file " + badRegex + " does not compile");

        ValidationConfig direct = new ValidationConfig(true, List.of(new ValidationConfig.Rule(List.of("b.>"),
                notSchema.toString())), ValidationConfig.DEFAULT_BATCH_ID_PATTERN, List.of());
        assertThatThrownBy(() -> PayloadValidator.create(direct))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Schema file " + notSchema);
    }

    @Test
    void customErrorMessagesAreCheckedAtStart() throws IOException {
        Path schema = dir.resolve("messages.json");
        Files.writeString(schema, """
                {"properties": {"count": {"type": "integer",
                  "errorMessage": {"type": "must be a whole number such as {\\"count\\":3}"}}}}
                """);
        bind("validation:\n  rules:\n    - {subjects: [\"x.>\"], schema: %s}\n".formatted(schema));

        assertThat(problems).singleElement().asString()
                .startsWith("validation.rules[0].schema: Schema file " + schema
                        + " has an errorMessage at /properties/count/errorMessage/type that is not a valid message pattern");

        Files.writeString(schema, """
                {"properties": {"count": {"type": "integer",
                  "errorMessage": {"type": "must be a whole number such as '{'\\"count\\":3'}', isn''t it"}}}}
                """);
        PayloadValidator validator = PayloadValidator.create(new ValidationConfig(true,
                List.of(new ValidationConfig.Rule(List.of("x.>"), schema.toString())), ValidationConfig.DEFAULT_BATCH_ID_PATTERN, List.of()));
        assertInvalid(() -> validate(validator, "x.y", "{\"count\":1.5}"))
                .hasMessageEndingWith("at /count: must be a whole number such as {\"count\":3}, isn't it");
    }

    @Test
    void unknownKeysAndBadValuesAreProblemsNamingTheirKeys() throws IOException {
        bind("""
                validation:
                  enabled: maybe
                  batchIdPattern: "(["
                  gs1Subjects: ["quality..x"]
                  rulez: []
                  rules:
                    - subjects: []
                      schema: telemetry
                    - subject: ["x.>"]
                      schema: event
                    - subjects: ["x.>"]
                """);

        assertThat(problems).containsExactlyInAnyOrder(
                "validation.rulez: unknown key (known here: enabled, includeDefaultRules, batchIdPattern, gs1Subjects, rules)",
                "validation.enabled: 'maybe' must be true or false",
                "validation.batchIdPattern: '([' is not a regular expression: Unclosed character class",
                "validation.gs1Subjects[0]: 'quality..x': Subject has an empty token",
                "validation.rules[0].subjects: at least one subject pattern is required",
                "validation.rules[1].subject: unknown key (known here: subjects, schema)",
                "validation.rules[1].subjects: at least one subject pattern is required",
                "validation.rules[2].schema: is required: a shipped schema (telemetry, event, alert, quality, batch-event, "
                        + "serialization-read) or the path of a schema file");
    }

    @Test
    void sectionThatIsNotAMapIsAProblem() throws IOException {
        ValidationConfig config = bind("validation: [1]");

        assertThat(problems).containsExactly("validation: expected a section of keys, found ARRAY");
        assertThat(config).isEqualTo(ValidationConfig.defaults());
    }

    @Test
    void gs1SubjectsGivenReplaceTheDefaults() throws IOException {
        ValidationConfig config = bind("validation:\n  gs1Subjects: [\"serialization.>\"]\n");

        assertThat(problems).isEmpty();
        assertThat(config.gs1Subjects()).containsExactly("serialization.>");
        JsonNode nothing = null;
        assertThat(ValidationConfig.bind(nothing, problems).gs1Subjects()).isEqualTo(ValidationConfig.DEFAULT_GS1_SUBJECTS);
    }
}
