package com.pharmabridge.gateway.validation;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming check against networknt, on payloads made to find where they could disagree: mutations of the
 * simulator's payloads and random JSON, for every shipped schema and for hand-written schemas using every supported
 * keyword. The fast path must never call valid what networknt refuses, must call invalid only what networknt
 * refuses, and should call valid everything networknt accepts that it is not unsure of. And {@link
 * PayloadValidator#validate} must answer exactly as the tree path does, refusal wording included.
 */
class StreamingSchemaDifferentialTest {
    /** Each shipped schema under "{name}.start" (batch-event wants a lifecycle token last), without GS1 checks. */
    private static final PayloadValidator SHIPPED = PayloadValidator.create(new ValidationConfig(true,
            ValidationConfig.SHIPPED_SCHEMAS.stream()
                    .map(name -> new ValidationConfig.Rule(List.of(name + ".start"), name)).toList(),
            ValidationConfig.DEFAULT_BATCH_ID_PATTERN, List.of()));

    /** Hand-written schemas with the supported keywords, subjects "custom0.start", "custom1.start", … */
    static final List<String> CUSTOM_SCHEMAS = List.of(
            """
            {"type":"object","required":["kind"],"additionalProperties":false,
             "properties":{"kind":{"enum":["a","b",1,null,true]},
                           "n":{"type":"integer","minimum":0,"exclusiveMaximum":10},
                           "x":{"type":["number","null"],"maximum":2.5,"exclusiveMinimum":-1.5},
                           "a":true,"b":{"type":"string"}},
             "if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["n"]},"else":{"not":{"required":["n"]}}}
            """,
            """
            {"type":"array","items":{"type":"string","minLength":2,"maxLength":4,"pattern":"^[a-z]+$"},
             "minItems":1,"maxItems":3}
            """,
            """
            {"allOf":[{"$ref":"#/$defs/base"},{"anyOf":[{"required":["a"]},{"required":["b"]}]}],
             "oneOf":[{"properties":{"a":{"type":"string"}}},{"properties":{"a":{"type":"integer"}}}],
             "$defs":{"base":{"type":"object","properties":{"batchId":{"$ref":"urn:pharmabridge:schema:batch-id"},
                                                            "tags":{"type":"array","items":{"const":"t"}}}}}}
            """,
            """
            {"$defs":{"tree":{"type":"object","additionalProperties":{"type":"boolean"},
                              "properties":{"v":{"type":"number","minimum":0.1,"maximum":100},
                                            "kids":{"type":"array","items":{"$ref":"#/$defs/tree"}}}}},
             "$ref":"#/$defs/tree"}
            """,
            """
            {"properties":{"a":false,"b":true,"c":{"readOnly":true,"type":"string","const":"c"},
                           "n":{"type":"integer","minimum":-5,"maximum":5},
                           "value":{"type":["number","string"],"pattern":"^[A-Za-z][A-Za-z0-9 ._-]{0,63}$"}},
             "not":{"type":"null"},"errorMessage":{"not":"must not be null"}}
            """);

    private static final PayloadValidator CUSTOM = customValidator();

    /**
     * Counts over the whole run: [cases, fast valid, fast invalid, fast unsure, networknt refused, networknt accepted
     * but fast unsure].
     */
    private static final com.pharmabridge.protocol.EnvelopeDecoder ENVELOPES =
            new com.pharmabridge.protocol.EnvelopeDecoder();
    private static final AtomicLongArray COUNTS = new AtomicLongArray(6);
    /** A few of the payloads networknt accepted that the fast path was unsure of, to see why. */
    private static final List<String> UNSURE_ACCEPTED = java.util.Collections.synchronizedList(new ArrayList<>());

    private static PayloadValidator customValidator() {
        try {
            Path dir = Files.createTempDirectory("streaming-schemas");
            List<ValidationConfig.Rule> rules = new ArrayList<>();
            for (int i = 0; i < CUSTOM_SCHEMAS.size(); i++) {
                Path file = Files.writeString(dir.resolve("custom" + i + ".json"), CUSTOM_SCHEMAS.get(i));
                file.toFile().deleteOnExit();
                rules.add(new ValidationConfig.Rule(List.of("custom" + i + ".start"), file.toString()));
            }
            dir.toFile().deleteOnExit();
            return PayloadValidator.create(new ValidationConfig(true, rules,
                    ValidationConfig.DEFAULT_BATCH_ID_PATTERN, List.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String[] FIELDS = {"value", "unit", "batchId", "result", "severity", "limit", "quantity", "gtin",
            "lot", "expiry", "serial", "readable", "case", "tolerance", "target", "zone", "line", "plant", "message",
            "kind", "n", "x", "a", "b", "c", "v", "kids", "tags", "extra"};

    static final String[] EDGE_VALUES = {
            "0", "-0", "1", "-1", "1.0", "-0.0", "0.5", "-0.5", "0.1", "0.10", "1e400", "-1e400", "1e-400", "1E2",
            "1.5e3", "2.0", "185.2", "0.25", "10", "9.999999999999999999", "2.5", "2.5000000000000001", "-1.5",
            "-1.4999999999999999999", "100", "100.00000000000001", "5", "-5", "12000", "1e308", "4.9e-324",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "12345678901234567890123",
            "\"\"", "\"a\"", "\"t\"", "\"c\"", "\"ab\"", "\"abcd\"", "\"abcde\"", "\"aB\"", "\"running\"", "\"185.5\"",
            "\"B2024-001\"", "\"B 2024/001\"", "\"-B1\"", "\"B2024-001\\n\"", "\"" + "a".repeat(32) + "\"",
            "\"" + "a".repeat(33) + "\"", "\"" + "\\ud83d\\ude00".repeat(32) + "\"",
            "\"" + "\\ud83d\\ude00".repeat(33) + "\"", "\"\\ud83d\"", "\"\u00e9t\u00e9\"", "\"x" + "b".repeat(63) + "\"",
            "\"x" + "b".repeat(64) + "\"", "\"09711036584808\"", "\"0971103658480\"", "\"09711036584808\\n\"",
            "\"280131\"", "\"28013a\"", "\"pass\"", "\"fail\"", "\"low\"", "\"critical\"", "\"urgent\"", "\"C\"",
            "\"a\\u0000\"", "\"\\u0041\"", "true", "false", "null", "{}", "[]", "[1,2]", "[\"t\",\"t\"]", "[\"t\",1]",
            "[\"ab\"]", "{\"v\":0.2}", "[{\"v\":5,\"kids\":[]}]", "[{\"v\":0.05}]", "{\"a\":{\"b\":[1,{\"c\":null}]}}"};

    /** Payloads that are not what any schema wants, or not JSON at all. */
    static final String[] JUNK = {"", " ", "not json", "{", "}", "[", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":}",
            "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":1,}", "[1,]", "185.5", "\"text\"",
            "null", "true", "[]", "[{}]", "{}", "\"\\ud800\"", "{\"a\":\"\\x\"}", "{\"a\":1e}",
            "[" + "[".repeat(1100) + "]".repeat(1100) + "]", "{\"a\":" + "9".repeat(1001) + "}",
            "{\"a\":" + "9".repeat(150) + "}"};

    static List<String[]> basePayloads() {
        List<String[]> bases = new ArrayList<>();
        PayloadValidatorTest.simulatorPayloads().forEach(bases::add);
        bases.add(new String[]{"", "{\"batchId\":\"B2024-001\",\"product\":\"Amoxicillin 500mg\",\"quantity\":12000}"});
        bases.add(new String[]{"", "{\"kind\":\"a\",\"n\":3,\"x\":1.5}"});
        bases.add(new String[]{"", "{\"kind\":\"b\",\"x\":null}"});
        bases.add(new String[]{"", "[\"ab\",\"abc\"]"});
        bases.add(new String[]{"", "{\"a\":\"x\",\"batchId\":\"B1\",\"tags\":[\"t\"]}"});
        bases.add(new String[]{"", "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[]},{\"flag\":true}]}"});
        bases.add(new String[]{"", "{\"b\":1,\"c\":\"c\",\"n\":0,\"value\":\"running\"}"});
        return bases;
    }

    static List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        for (String name : ValidationConfig.SHIPPED_SCHEMAS) {
            subjects.add(name + ".start");
        }
        for (int i = 0; i < CUSTOM_SCHEMAS.size(); i++) {
            subjects.add("custom" + i + ".start");
        }
        return subjects;
    }

    /** Every base payload with every field set to every edge value, and removed: one change at a time. */
    @Example
    void everySingleFieldChangeAgreesWithNetworknt() {
        List<String[]> bases = basePayloads();
        long before = COUNTS.get(0);
        int simulator = (int) PayloadValidatorTest.simulatorPayloads().count();
        for (String subject : subjects()) {
            // The simulator's payloads for the shipped schemas, the hand-written ones (and two others) for the rest
            List<String[]> mine = subject.startsWith("custom")
                    ? bases.subList(simulator - 2, bases.size()) : bases.subList(0, simulator + 1);
            for (String[] base : mine) {
                List<String[]> fields = Json.fields(base[1]);
                check(subject, base[1]);
                if (fields == null) {
                    continue;
                }
                for (String field : FIELDS) {
                    check(subject, Json.object(Json.without(fields, field)));
                    for (String value : EDGE_VALUES) {
                        check(subject, Json.object(Json.with(fields, field, value)));
                    }
                }
            }
            for (String junk : JUNK) {
                check(subject, junk);
            }
        }
        assertThat(COUNTS.get(0) - before).isGreaterThan(100_000);
    }

    /** Random payloads: several mutations of a base payload at once (repeated fields too), or random JSON. */
    @Property(tries = 3000)
    void randomPayloadsAgreeWithNetworknt(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String[]> bases = basePayloads();
        for (String subject : subjects()) {
            String payload;
            if (random.nextInt(3) == 0) {
                payload = Json.random(random, 0);
            } else {
                List<String[]> fields = Json.fields(bases.get(random.nextInt(bases.size()))[1]);
                if (fields == null) {
                    fields = new ArrayList<>();
                }
                int changes = 1 + random.nextInt(4);
                for (int i = 0; i < changes; i++) {
                    String field = FIELDS[random.nextInt(FIELDS.length)];
                    String value = random.nextInt(4) == 0 ? Json.random(random, 1)
                            : EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
                    fields = switch (random.nextInt(4)) {
                        case 0 -> Json.without(fields, field);
                        case 1 -> Json.appended(fields, field, value); // repeats the field when present
                        default -> Json.with(fields, field, value);
                    };
                }
                payload = Json.object(fields);
            }
            check(subject, payload);
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf("Streaming vs networknt: %d cases; fast path valid %d, invalid %d, unsure %d; "
                        + "networknt refused %d; accepted but unsure %d%n", COUNTS.get(0), COUNTS.get(1), COUNTS.get(2),
                COUNTS.get(3), COUNTS.get(4), COUNTS.get(5));
        UNSURE_ACCEPTED.stream().limit(40).forEach(p -> System.out.println("  unsure, accepted: " + p));
        // The quality measure: what networknt accepts, the fast path finds valid but for rare forms (repeated keys,
        // 1.0 for an integer, 1e400, -0.0 at a bound of 0, trailing content).
        long accepted = COUNTS.get(0) - COUNTS.get(4);
        assertThat(COUNTS.get(5)).as("accepted by networknt, unsure on the fast path, of " + accepted)
                .isLessThan(accepted / 50);
    }

    private static void check(String subject, String payload) {
        PayloadValidator validator = subject.startsWith("custom") ? CUSTOM : SHIPPED;
        assertThat(validator.hasFastPath(subject)).as(subject).isTrue();
        byte[] bytes = ("  " + payload + " ").getBytes(StandardCharsets.UTF_8);
        int offset = 2;
        int length = bytes.length - 3;
        int fast = validator.fastPathOutcome(subject, bytes, offset, length);
        String reference = verdict(() -> validator.validateWithoutFastPath(subject, bytes, offset, length));
        String production = verdict(() -> validator.validate(subject, bytes, offset, length));
        COUNTS.incrementAndGet(0);
        COUNTS.incrementAndGet(1 + fast);
        if (reference != null) {
            COUNTS.incrementAndGet(4);
        } else if (fast == StreamingSchema.UNSURE) {
            COUNTS.incrementAndGet(5);
            if (UNSURE_ACCEPTED.size() < 2000 && Math.floorMod(payload.hashCode(), 50) == 0) {
                UNSURE_ACCEPTED.add(subject + " " + payload);
            }
        }
        String what = subject + " " + payload;
        assertThat(production).as("verdict, as the tree path words it, of " + what).isEqualTo(reference);
        // As the gateway does it: the payload checked in place while the envelope around it is decoded.
        byte[] frame = ("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
        com.pharmabridge.protocol.Envelope envelope;
        try {
            envelope = ENVELOPES.decode(frame, 0, frame.length, validator.inspector());
        } catch (com.pharmabridge.protocol.EnvelopeDecodeException notJson) {
            // Only a payload that is no JSON value on its own (trailing content the tree parser ignores included)
            assertThat(fast).as("fast path on a payload the envelope refuses: " + what)
                    .isNotEqualTo(StreamingSchema.VALID);
            return;
        }
        assertThat(envelope.inspection()).as(what).isNotNull();
        String inPlace = verdict(() -> validator.validate(subject, frame, envelope.payloadOffset(),
                envelope.payloadLength(), envelope.inspection()));
        assertThat(inPlace).as("verdict with the payload checked in place, of " + what).isEqualTo(reference);
        if (fast == StreamingSchema.VALID) {
            assertThat(reference).as("fast path said valid; networknt: " + what).isNull();
        } else if (fast == StreamingSchema.INVALID) {
            assertThat(reference).as("fast path said invalid, networknt accepts: " + what).isNotNull();
        } else {
            assertThat(fast).isEqualTo(StreamingSchema.UNSURE);
        }
    }

    /** @return null when accepted, else the refusal's message */
    private static String verdict(Runnable validation) {
        try {
            validation.run();
            return null;
        } catch (PayloadValidator.Refused refused) {
            return refused.reason() + ": " + refused.getMessage();
        } catch (RuntimeException e) {
            return "thrown: " + e; // networknt's own failures must stay as they are too
        }
    }

    /** Payload text built field by field, so that fields can repeat and values can be anything. */
    static final class Json {
        /** The top-level fields of a flat object payload as [name, value text]; null when it is not one. */
        static List<String[]> fields(String payload) {
            try {
                var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload);
                if (!tree.isObject()) {
                    return null;
                }
                List<String[]> fields = new ArrayList<>();
                tree.fields().forEachRemaining(f -> fields.add(new String[]{f.getKey(), f.getValue().toString()}));
                return fields;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static List<String[]> without(List<String[]> fields, String name) {
            return fields.stream().filter(f -> !f[0].equals(name)).toList();
        }

        static List<String[]> with(List<String[]> fields, String name, String value) {
            List<String[]> changed = new ArrayList<>(without(fields, name));
            changed.add(Math.min(changed.size(), Math.abs(name.hashCode()) % 3), new String[]{name, value});
            return changed;
        }

        static List<String[]> appended(List<String[]> fields, String name, String value) {
            List<String[]> changed = new ArrayList<>(fields);
            changed.add(new String[]{name, value});
            return changed;
        }

        static String object(List<String[]> fields) {
            StringBuilder json = new StringBuilder("{");
            for (String[] field : fields) {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append('"').append(field[0]).append("\":").append(field[1]);
            }
            return json.append('}').toString();
        }

        static String random(SplittableRandom random, int depth) {
            int pick = random.nextInt(depth > 3 ? 2 : 4);
            return switch (pick) {
                case 0 -> EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
                case 1 -> random.nextInt(10) == 0 ? JUNK[random.nextInt(JUNK.length)]
                        : EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
                case 2 -> {
                    List<String[]> fields = new ArrayList<>();
                    int size = random.nextInt(5);
                    for (int i = 0; i < size; i++) {
                        fields.add(new String[]{FIELDS[random.nextInt(FIELDS.length)], random(random, depth + 1)});
                    }
                    yield object(fields);
                }
                default -> {
                    StringBuilder array = new StringBuilder("[");
                    int size = random.nextInt(5);
                    for (int i = 0; i < size; i++) {
                        array.append(i == 0 ? "" : ",").append(random(random, depth + 1));
                    }
                    yield array.append(']').toString();
                }
            };
        }
    }
}
