package com.pharmabridge.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonValues#isSingleJsonValue} answers from a strict scanner when it can, and from Jackson otherwise. The
 * scanner may only ever say "valid" where Jackson (as the method used it before) says so too; and it must say so for
 * ordinary payloads, or deliveries lose the speed it is there for.
 */
class JsonValuesFastPathTest {
    private static final JsonFactory JACKSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(EnvelopeDecoder.MAX_NESTING_DEPTH - 1).build())
            .build();

    /** What isSingleJsonValue answered before the fast path (Jackson only). */
    static boolean jackson(byte[] data) {
        int first = Utf8.skipWhitespace(data, 0, data.length);
        if (first >= data.length || !Utf8.isValidJsonText(data, 0, data.length)) {
            return false;
        }
        byte b = data[first];
        if (!(b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f'
                || b == 'n')) {
            return false;
        }
        try (JsonParser parser = JACKSON.createParser(data)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                parser.finishToken();
            }
            return parser.nextToken() == null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean fast(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return JsonValues.certainlyValid(data, Utf8.skipWhitespace(data, 0, data.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", " {\"a\":1} ", "\"x\"", "0", "-0", "-0.5e-3", "1E+5", "0e5", "true", "false",
            "null", "[1,2.5,\"s\",true,false,null,{\"k\":[{}]}]", "{\"a\":\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\\u0000\"}",
            "{\"temp\":185.5,\"zones\":[\"upper\",\"lower\"],\"ok\":true,\"n\":null}", "\"é ✓ 😀\"", "[\"\u007f\"]",
            "\"\\ud800\""})
    void ordinaryJsonIsAnsweredByTheFastPath(String text) {
        assertThat(fast(text)).as(text).isTrue();
        assertThat(jackson(text.getBytes(StandardCharsets.UTF_8))).as(text).isTrue();
        assertThat(JsonValues.isSingleJsonValue(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{,}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]",
            "[-]", "tru", "truex", "[true1]", "nul", "{\"a\" 1}", "{a:1}", "'x'", "\"a\nb\"", "\"\\x\"", "\"\\u12g4\"",
            "1 2", "{} {}", "[1]x", "NaN", "[Infinity]", "\"unterminated", "[\"a\"\"b\"]"})
    void anythingElseIsLeftToJackson(String text) {
        assertThat(fast(text)).as(text).isFalse();
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertThat(JsonValues.isSingleJsonValue(data)).as(text).isEqualTo(jackson(data));
    }

    @ParameterizedTest
    @ValueSource(ints = {31, 32, 33, 62, 63, 64})
    void deepNestingIsJacksonsToDecide(int depth) {
        String text = "[".repeat(depth) + "]".repeat(depth);
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertThat(fast(text)).isEqualTo(depth <= JsonValues.FAST_MAX_DEPTH);
        assertThat(JsonValues.isSingleJsonValue(data)).isEqualTo(jackson(data));
    }

    /** UTF-8 is checked by the same pass: invalid sequences in strings or anywhere else are never JSON. */
    @Property(tries = 20_000)
    void invalidUtf8IsNeverJson(@ForAll("jsonishBytes") byte[] data) {
        if (JsonValues.certainlyValid(data, Utf8.skipWhitespace(data, 0, data.length))) {
            assertThat(Utf8.isValidJsonText(data, 0, data.length)).isTrue();
            assertThat(jackson(data)).isTrue();
        }
        assertThat(JsonValues.isSingleJsonValue(data)).isEqualTo(jackson(data));
    }

    @ParameterizedTest
    @ValueSource(strings = {"22c0af22", "22eda08022", "22e28222", "22f590808022", "22f090808022", "7b22c3a9223a317d",
            "5b31c3a95d", "22e282ac22", "c3a9", "2261"})
    void utf8InAndOutsideStrings(String hex) {
        byte[] data = java.util.HexFormat.of().parseHex(hex);
        assertThat(JsonValues.isSingleJsonValue(data)).as(hex).isEqualTo(jackson(data));
    }

    @Provide
    Arbitrary<byte[]> jsonishBytes() {
        byte[] alphabet = {'{', '}', '[', ']', '"', ':', ',', '1', '0', 'e', '-', ' ', '\\', 'u', 'a', 't', 'r',
                'u', 'e', (byte) 0xC0, (byte) 0xC3, (byte) 0xA9, (byte) 0x80, (byte) 0xBF, (byte) 0xE2, (byte) 0x82,
                (byte) 0xAC, (byte) 0xED, (byte) 0xA0, (byte) 0xF0, (byte) 0x90, (byte) 0xF4, (byte) 0xF5, 0};
        return JsonArbitraries.bytesFrom(alphabet, 24);
    }

    /** Random text from JSON's own characters: the fast path never accepts what Jackson refuses. */
    @Property(tries = 20_000)
    void fastPathNeverAcceptsWhatJacksonRefuses(@ForAll("jsonish") String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        if (fast(text)) {
            assertThat(jackson(data)).as(text).isTrue();
        }
        assertThat(JsonValues.isSingleJsonValue(data)).as(text).isEqualTo(jackson(data));
    }

    /** Generated JSON values, some of them damaged by one character: same answer as Jackson alone. */
    @Property(tries = 5_000)
    void generatedValuesGetJacksonsAnswer(@ForAll("values") String value, @ForAll("damage") int where,
                                          @ForAll("jsonChar") char with) {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        assertThat(jackson(data)).as(value).isTrue();
        assertThat(fast(value)).as(value).isTrue();
        assertThat(JsonValues.isSingleJsonValue(data)).isTrue();
        if (value.length() > 0 && where >= 0) {
            int at = where % value.length();
            String damaged = value.substring(0, at) + with + value.substring(at + 1);
            byte[] bytes = damaged.getBytes(StandardCharsets.UTF_8);
            if (fast(damaged)) {
                assertThat(jackson(bytes)).as(damaged).isTrue();
            }
            assertThat(JsonValues.isSingleJsonValue(bytes)).as(damaged).isEqualTo(jackson(bytes));
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,.-+eE0123456789 \n\\/utrfalsenx\u00e9\u0001")
                .ofMaxLength(40);
    }

    @Provide
    Arbitrary<Character> jsonChar() {
        return Arbitraries.of('{', '}', '[', ']', '"', ':', ',', '.', '-', '+', 'e', '0', '1', ' ', '\\', 'u', 'x',
                '\n', '\u0001', 'é');
    }

    @Provide
    Arbitrary<Integer> damage() {
        return JsonArbitraries.damage();
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("true", "false", "null", "0", "-0", "1.25", "-3e7", "6.02E+23", "185.0", "42"),
                Arbitraries.longs().map(Object::toString),
                Arbitraries.strings().withChars("abc é✓\"\\/\n\t\u0001").ofMaxLength(12)
                        .map(JsonValuesFastPathTest::quote));
        return JsonArbitraries.values(4, scalars,
                Arbitraries.strings().alpha().ofMaxLength(6).map(JsonValuesFastPathTest::quote));
    }

    private static String quote(String s) {
        return EnvelopeWriter.quote(new StringBuilder(), s).toString();
    }
}
