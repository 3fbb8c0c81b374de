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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cursor against Jackson, which read the envelope before it: the same texts accepted (Jackson with the limits it
 * had, plus the strict UTF-8 check that went with it), the same tokens, strings and numbers read from them.
 */
class JsonCursorTest {
    private static final JsonFactory JACKSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(EnvelopeDecoder.MAX_NESTING_DEPTH).maxNumberLength(1000).build())
            .build();

    /** Every token as "KIND:value", or null when the cursor refuses the text. */
    static List<String> cursorTokens(byte[] data) {
        List<String> tokens = new ArrayList<>();
        try {
            JsonCursor cursor = new JsonCursor(data, 0, data.length);
            byte token;
            while ((token = cursor.next()) != JsonCursor.END) {
                tokens.add(switch (token) {
                    case JsonCursor.START_OBJECT -> "{";
                    case JsonCursor.END_OBJECT -> "}";
                    case JsonCursor.START_ARRAY -> "[";
                    case JsonCursor.END_ARRAY -> "]";
                    case JsonCursor.FIELD_NAME -> "name:" + cursor.name();
                    case JsonCursor.STRING -> "string:" + cursor.text();
                    case JsonCursor.INTEGER -> "int" + cursor.integerSize() + ":" + (cursor.integerSize()
                            == JsonCursor.BIG ? cursor.bigIntegerValue() : Long.toString(cursor.longValue()))
                            + ":" + Double.doubleToRawLongBits(cursor.doubleValue());
                    case JsonCursor.FLOAT -> "float:" + cursor.text() + ":"
                            + Double.doubleToRawLongBits(cursor.doubleValue());
                    case JsonCursor.TRUE -> "true";
                    case JsonCursor.FALSE -> "false";
                    case JsonCursor.NULL -> "null";
                    default -> throw new AssertionError("token " + token);
                });
            }
            return tokens;
        } catch (JsonCursor.Malformed e) {
            return null;
        }
    }

    /** As {@link #cursorTokens}, read by Jackson; null when it (or the strict UTF-8 check) refuses the text. */
    static List<String> jacksonTokens(byte[] data) {
        int first = Utf8.skipWhitespace(data, 0, data.length);
        if (first >= data.length || !Utf8.isValidJsonText(data, 0, data.length)) {
            return null;
        }
        byte b = data[first];
        if (!(b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f'
                || b == 'n')) {
            return null; // also keeps Jackson from detecting UTF-16/32
        }
        List<String> tokens = new ArrayList<>();
        try (JsonParser parser = JACKSON.createParser(data)) {
            int depth = 0;
            do {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return null;
                }
                tokens.add(switch (token) {
                    case START_OBJECT -> "{";
                    case END_OBJECT -> "}";
                    case START_ARRAY -> "[";
                    case END_ARRAY -> "]";
                    case FIELD_NAME -> "name:" + parser.currentName();
                    case VALUE_STRING -> "string:" + parser.getText();
                    case VALUE_NUMBER_INT -> "int" + switch (parser.getNumberType()) {
                        case INT -> 0;
                        case LONG -> 1;
                        default -> 2;
                    } + ":" + parser.getBigIntegerValue() + ":" + Double.doubleToRawLongBits(parser.getDoubleValue());
                    case VALUE_NUMBER_FLOAT -> "float:" + parser.getText() + ":"
                            + Double.doubleToRawLongBits(parser.getDoubleValue());
                    case VALUE_TRUE -> "true";
                    case VALUE_FALSE -> "false";
                    case VALUE_NULL -> "null";
                    default -> throw new AssertionError("token " + token);
                });
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                }
            } while (depth > 0);
            return parser.nextToken() == null ? tokens : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static void sameAsJackson(byte[] data) {
        String shown = new String(data, StandardCharsets.UTF_8);
        assertThat(cursorTokens(data)).as(shown).isEqualTo(jacksonTokens(data));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", " {\"a\":1} ", "\"x\"", "0", "-0", "-0.0", "-0.5e-3", "1E+5", "0e5", "true",
            "false", "null", "[1,2.5,\"s\",true,false,null,{\"k\":[{}]}]",
            "{\"a\":\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\\u0000\"}", "\"\\ud800\"", "\"\\ud83d\\ude00 x\"",
            "{\"temp\":185.5,\"zones\":[\"upper\",\"lower\"],\"ok\":true,\"n\":null}", "\"é ✓ 😀\"", "[\"\u007f\"]",
            "{\"typ\\u0065\":0,\"\\u00e9\":\"\\u00e9\"}", "[2147483647,2147483648,-2147483648,-2147483649]",
            "[9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809]",
            "[123456789012345678901234567890,0.1,0.30000000000000004,1e22,1e23,123456789012345.6,1.7976931348623157e308]",
            "[4.9e-324,1e-400,1e400,2.2250738585072014E-308,9007199254740993,0.000001234567890123456]"})
    void acceptsJsonAsJacksonReadsIt(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertThat(cursorTokens(data)).as(text).isNotNull();
        sameAsJackson(data);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{,}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]",
            "[-]", "tru", "truex", "[true1]", "nul", "{\"a\" 1}", "{a:1}", "'x'", "\"a\nb\"", "\"\\x\"", "\"\\u12g4\"",
            "1 2", "{} {}", "[1]x", "NaN", "[Infinity]", "\"unterminated", "[\"a\"\"b\"]", "[1 2]", "{\"a\":1 \"b\":2}",
            "{\"a\"}", "[1,,2]", "\"\\", "\"\\u12", "-01", "1e+", "[-.5]", "{\"a\":}", "]", "[}", "{]"})
    void refusesWhatIsNotJson(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertThat(cursorTokens(data)).as(text).isNull();
        assertThat(jacksonTokens(data)).as(text).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"22c0af22", "22eda08022", "22e28222", "22f590808022", "22f090808022", "7b22c3a9223a317d",
            "5b31c3a95d", "22e282ac22", "c3a9", "2261", "22ff22", "2280", "5b2261225d00", "227f22", "221f22"})
    void utf8InAndOutsideStrings(String hex) {
        sameAsJackson(java.util.HexFormat.of().parseHex(hex));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 63, 64, 65, 100})
    void nestingIsLimitedAsBefore(int depth) {
        byte[] data = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
        assertThat(cursorTokens(data) != null).isEqualTo(depth <= EnvelopeDecoder.MAX_NESTING_DEPTH);
        sameAsJackson(data);
    }

    @Test
    void numbersLongerThanTheLimitAreRefusedAsBefore() {
        byte[] fits = ("[" + "1".repeat(1000) + "]").getBytes(StandardCharsets.UTF_8);
        byte[] tooLong = ("[" + "1".repeat(1001) + "]").getBytes(StandardCharsets.UTF_8);
        assertThat(cursorTokens(fits)).isNotNull();
        assertThat(cursorTokens(tooLong)).isNull();
        sameAsJackson(fits);
        sameAsJackson(tooLong);
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertThatThrownBy(() -> walk("{\"a\":tru}")).isInstanceOf(JsonCursor.Malformed.class)
                .hasMessage("Unrecognised token (expected 'true') (at byte 5)");
        assertThatThrownBy(() -> walk("{\"a\":1,}")).hasMessage("Expected a field name in double quotes (at byte 7)");
        assertThatThrownBy(() -> walk("[1 2]")).hasMessage("Expected ',' or ']' (at byte 3)");
        assertThatThrownBy(() -> walk("{\"a\":\"x\ny\"}")).hasMessage(
                "Control character byte 0x0A in a string must be escaped (at byte 7)");
        assertThatThrownBy(() -> walk("[1")).hasMessage("Unexpected end of input (at byte 2)");
        assertThatThrownBy(() -> walk("{} x")).hasMessage("Unexpected data after the JSON value (at byte 3)");
        assertThat(new JsonCursor.Malformed("x").getStackTrace()).isEmpty();
    }

    @Test
    void tokenRangesCoverTheValueAsWritten() {
        byte[] data = " {\"p\" : {\"a\":[1, \"x\"]} , \"n\":-1.5e3}".getBytes(StandardCharsets.UTF_8);
        JsonCursor cursor = new JsonCursor(data, 0, data.length);
        assertThat(cursor.next()).isEqualTo(JsonCursor.START_OBJECT);
        assertThat(cursor.next()).isEqualTo(JsonCursor.FIELD_NAME);
        assertThat(cursor.next()).isEqualTo(JsonCursor.START_OBJECT);
        int start = cursor.tokenStart();
        cursor.skipChildren();
        assertThat(cursor.token()).isEqualTo(JsonCursor.END_OBJECT);
        assertThat(new String(data, start, cursor.tokenEnd() - start, StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":[1, \"x\"]}");
        assertThat(cursor.next()).isEqualTo(JsonCursor.FIELD_NAME);
        assertThat(cursor.next()).isEqualTo(JsonCursor.FLOAT);
        assertThat(new String(data, cursor.tokenStart(), cursor.tokenEnd() - cursor.tokenStart(),
                StandardCharsets.UTF_8)).isEqualTo("-1.5e3");
        assertThat(cursor.doubleValue()).isEqualTo(-1500.0);
        assertThat(cursor.next()).isEqualTo(JsonCursor.END_OBJECT);
        assertThat(cursor.next()).isEqualTo(JsonCursor.END);
        assertThat(cursor.next()).isEqualTo(JsonCursor.END);
    }

    @Test
    void aRangeInsideALargerArrayIsReadAlone() {
        byte[] data = "xx[1,{\"a\":true}]yy".getBytes(StandardCharsets.UTF_8);
        JsonCursor cursor = new JsonCursor(data, 2, data.length - 4);
        cursor.next();
        cursor.skipChildren();
        assertThat(cursor.next()).isEqualTo(JsonCursor.END);
        assertThatThrownBy(() -> {
            JsonCursor wide = new JsonCursor(data, 2, data.length - 3);
            wide.next();
            wide.skipChildren();
            wide.next();
        }).hasMessage("Unexpected data after the JSON value (at byte 14)");
    }

    private static void walk(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        JsonCursor cursor = new JsonCursor(data, 0, data.length);
        while (cursor.next() != JsonCursor.END) {
            if (cursor.token() == JsonCursor.STRING || cursor.token() == JsonCursor.FIELD_NAME) {
                cursor.text();
            }
        }
    }

    /**
     * Decimals of every shape: the nearest double, bit for bit, as Double.parseDouble gives it (an integer as its
     * value converted, as Jackson does: "-0" is 0).
     */
    @Property(tries = 50_000)
    void doublesAreCorrectlyRounded(@ForAll("decimals") String number) {
        byte[] data = number.getBytes(StandardCharsets.US_ASCII);
        JsonCursor cursor = new JsonCursor(data, 0, data.length);
        double expected = cursor.next() == JsonCursor.INTEGER ? new java.math.BigInteger(number).doubleValue()
                : Double.parseDouble(number);
        assertThat(Double.doubleToRawLongBits(cursor.doubleValue())).as(number)
                .isEqualTo(Double.doubleToRawLongBits(expected));
    }

    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20)
                .map(s -> s.length() > 1 && s.charAt(0) == '0' ? "1" + s.substring(1) : s);
        Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20)
                .injectNull(0.3).map(s -> s == null ? "" : "." + s);
        Arbitrary<String> exponent = Arbitraries.integers().between(-330, 330).injectNull(0.5)
                .map(e -> e == null ? "" : "e" + e);
        Arbitrary<String> sign = Arbitraries.of("", "-");
        return net.jqwik.api.Combinators.combine(sign, digits, fraction, exponent).as((s, d, f, e) -> s + d + f + e);
    }

    /** Bytes from JSON's alphabet and broken UTF-8: accepted exactly when Jackson accepts, read the same. */
    @Property(tries = 30_000)
    void randomBytesAreJudgedAsJacksonJudgesThem(@ForAll("jsonishBytes") byte[] data) {
        sameAsJackson(data);
    }

    /** Generated JSON values, some of them damaged by one character: same answer and tokens as Jackson. */
    @Property(tries = 10_000)
    void generatedValuesAreReadAsJacksonReadsThem(@ForAll("values") String value, @ForAll("damage") int where,
                                                  @ForAll("jsonChar") char with) {
        sameAsJackson(value.getBytes(StandardCharsets.UTF_8));
        if (value.length() > 0 && where >= 0) {
            int at = where % value.length();
            sameAsJackson((value.substring(0, at) + with + value.substring(at + 1)).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Provide
    Arbitrary<byte[]> jsonishBytes() {
        byte[] alphabet = {'{', '}', '[', ']', '"', ':', ',', '1', '0', 'e', '-', '.', '+', ' ', '\\', 'u', 'a', 't',
                'r', 'e', 'n', 'l', (byte) 0xC0, (byte) 0xC3, (byte) 0xA9, (byte) 0x80, (byte) 0xBF, (byte) 0xE2,
                (byte) 0x82, (byte) 0xAC, (byte) 0xED, (byte) 0xA0, (byte) 0xF0, (byte) 0x90, (byte) 0xF4,
                (byte) 0xF5, 0, '\n', 0x1F, 0x7F};
        return JsonArbitraries.bytesFrom(alphabet, 24);
    }

    @Provide
    Arbitrary<Character> jsonChar() {
        return Arbitraries.of('{', '}', '[', ']', '"', ':', ',', '.', '-', '+', 'e', 'E', '0', '1', ' ', '\\', 'u',
                'x', '\n', '\u0001', 'é', 't', 'n');
    }

    @Provide
    Arbitrary<Integer> damage() {
        return JsonArbitraries.damage();
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("true", "false", "null", "0", "-0", "1.25", "-3e7", "6.02E+23", "185.0", "42",
                        "1e-7", "0.1", "-0.0", "12345678901234567890", "2147483648", "9.999999999999999e22"),
                Arbitraries.longs().map(Object::toString),
                Arbitraries.doubles().map(Object::toString).filter(s -> !s.contains("N") && !s.contains("I")),
                Arbitraries.strings().withChars("abc é✓\"\\/\n\t\u0001\ud800😀").ofMaxLength(12)
                        .map(s -> EnvelopeWriter.quote(new StringBuilder(), s).toString()),
                Arbitraries.strings().withChars("abcu0123456789\\\"").ofMaxLength(12).map(s -> "\"" + s + "\""));
        // Names written raw, backslashes included: some are invalid escapes on purpose
        return JsonArbitraries.values(4, scalars,
                Arbitraries.strings().withChars("abé\\u0").ofMaxLength(6).map(k -> "\"" + k + "\""));
    }
}
