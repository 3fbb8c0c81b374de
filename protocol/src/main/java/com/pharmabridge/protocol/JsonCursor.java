package com.pharmabridge.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A pull reader of one JSON text (RFC 8259, nothing more) in UTF-8 bytes: every token is checked as it is reached,
 * strings' UTF-8 strictly ({@link Utf8}), so a text the cursor walks to its end is valid JSON in valid UTF-8. Values
 * are not converted until asked for, and a token's byte range stays available, so a caller can keep a value's raw
 * bytes. Replaces Jackson's streaming parser on the gateway's hot path, where its tokeniser, name canonicalisation and
 * number parsing were a quarter of an event loop's time. Not thread-safe: one cursor per text.
 */
public final class JsonCursor {
    public static final byte END = 0;
    public static final byte START_OBJECT = 1;
    public static final byte END_OBJECT = 2;
    public static final byte START_ARRAY = 3;
    public static final byte END_ARRAY = 4;
    public static final byte FIELD_NAME = 5;
    public static final byte STRING = 6;
    /** A number without fraction or exponent. */
    public static final byte INTEGER = 7;
    /** A number with a fraction or an exponent. */
    public static final byte FLOAT = 8;
    public static final byte TRUE = 9;
    public static final byte FALSE = 10;
    public static final byte NULL = 11;

    /** What {@link #integerSize()} says of an integer. */
    public static final int FITS_INT = 0;
    public static final int FITS_LONG = 1;
    public static final int BIG = 2;

    /** Limits a text must keep to; going beyond one is a syntax error. */
    public record Limits(int maxDepth, int maxNumberLength, int maxNameBytes) {
        public Limits {
            if (maxDepth < 1 || maxDepth > 64) {
                throw new IllegalArgumentException("maxDepth must be 1..64");
            }
        }
    }

    /** The envelope's limits (those Jackson applied before: nesting 64, numbers of 1,000 characters, long names). */
    public static final Limits DEFAULT_LIMITS = new Limits(EnvelopeDecoder.MAX_NESTING_DEPTH, 1000, 50_000);

    private static final byte EXPECT_VALUE = 0;
    private static final byte EXPECT_VALUE_OR_END_ARRAY = 1;
    private static final byte EXPECT_NAME_OR_END_OBJECT = 2;
    private static final byte AFTER_VALUE = 3;
    private static final byte DONE = 4;

    private final byte[] data;
    private final int base;
    private final int end;
    private final Limits limits;
    private int pos;
    private byte expect = EXPECT_VALUE;
    private int depth;
    /** Bit d set: the container at depth d + 1 is an object. */
    private long objects;

    private byte token = -1;
    private int tokenStart;
    private int tokenEnd;
    /** The current string or name has escapes / non-ASCII bytes; the current number a minus sign. */
    private boolean escaped;
    private boolean nonAscii;
    private boolean negative;
    /** The plain name's hash as {@link NameCache} computes it, or {@link #NO_HASH}. */
    private int nameHash;
    private static final int NO_HASH = 0x80000000;
    private boolean exponent;
    private String text;

    public JsonCursor(byte[] data, int offset, int length) {
        this(data, offset, length, DEFAULT_LIMITS);
    }

    public JsonCursor(byte[] data, int offset, int length, Limits limits) {
        this.data = data;
        this.base = offset;
        this.pos = offset;
        this.end = offset + length;
        this.limits = limits;
    }

    /** The current token; -1 before the first {@link #next()}. */
    public byte token() {
        return token;
    }

    /** Containers open around the current position (after a START token, including it). */
    public int depth() {
        return depth;
    }

    /** Index in the array of the current token's first byte (a string's opening quote). */
    public int tokenStart() {
        return tokenStart;
    }

    /** Index in the array just after the current token's last byte (a string's closing quote). */
    public int tokenEnd() {
        return tokenEnd;
    }

    /**
     * Moves to the next token and returns it: {@link #END} once the value and any white space after it are read.
     *
     * @throws Malformed when the text is not JSON there (or breaks a limit)
     */
    public byte next() {
        text = null;
        switch (expect) {
            case EXPECT_VALUE -> {
                return readValue();
            }
            case AFTER_VALUE -> {
                pos = skipWhitespace(pos);
                if (depth == 0) {
                    if (pos < end) {
                        throw fail("Unexpected data after the JSON value", pos);
                    }
                    expect = DONE;
                    return token(END, pos, pos);
                }
                if (pos >= end) {
                    throw fail("Unexpected end of input", pos);
                }
                boolean inObject = (objects & (1L << (depth - 1))) != 0;
                byte c = data[pos];
                if (c == ',') {
                    pos++;
                    return inObject ? readName() : readValue();
                }
                if (c == (inObject ? '}' : ']')) {
                    return close(inObject);
                }
                throw fail(inObject ? "Expected ',' or '}'" : "Expected ',' or ']'", pos);
            }
            case EXPECT_NAME_OR_END_OBJECT -> {
                pos = skipWhitespace(pos);
                if (pos < end && data[pos] == '}') {
                    return close(true);
                }
                return readName();
            }
            case EXPECT_VALUE_OR_END_ARRAY -> {
                pos = skipWhitespace(pos);
                if (pos < end && data[pos] == ']') {
                    return close(false);
                }
                return readValue();
            }
            default -> {
                return token(END, pos, pos);
            }
        }
    }

    /** On a START token, moves to its matching END token (checking everything between); otherwise stays. */
    public void skipChildren() {
        if (token != START_OBJECT && token != START_ARRAY) {
            return;
        }
        int outside = depth - 1;
        while (depth > outside) {
            next();
        }
    }

    private byte close(boolean object) {
        depth--;
        expect = AFTER_VALUE;
        pos++;
        return token(object ? END_OBJECT : END_ARRAY, pos - 1, pos);
    }

    private byte token(byte kind, int start, int after) {
        token = kind;
        tokenStart = start;
        tokenEnd = after;
        return kind;
    }

    private byte readName() {
        pos = skipWhitespace(pos);
        if (pos >= end) {
            throw fail("Unexpected end of input", pos);
        }
        if (data[pos] != '"') {
            throw fail("Expected a field name in double quotes", pos);
        }
        int start = pos;
        // Most names are plain ASCII: hashed for the name cache while they are scanned, in one pass.
        int i = pos + 1;
        int hash = 0;
        while (i < end && PLAIN[data[i] & 0xFF]) {
            hash = 31 * hash + data[i];
            i++;
        }
        if (i < end && data[i] == '"') {
            escaped = false;
            nonAscii = false;
            nameHash = hash;
            pos = i + 1;
        } else {
            pos = string(pos);
            nameHash = NO_HASH;
        }
        if (pos - start - 2 > limits.maxNameBytes()) {
            throw fail("Field name longer than " + limits.maxNameBytes() + " bytes", start);
        }
        token(FIELD_NAME, start, pos);
        pos = skipWhitespace(pos);
        if (pos >= end || data[pos] != ':') {
            throw fail("Expected ':' after the field name", pos);
        }
        pos++;
        expect = EXPECT_VALUE;
        return FIELD_NAME;
    }

    private byte readValue() {
        pos = skipWhitespace(pos);
        if (pos >= end) {
            throw fail("Unexpected end of input", pos);
        }
        int start = pos;
        byte c = data[pos];
        switch (c) {
            case '{', '[' -> {
                if (depth == limits.maxDepth()) {
                    throw fail("Nesting deeper than " + limits.maxDepth() + " levels", pos);
                }
                boolean object = c == '{';
                objects = object ? objects | (1L << depth) : objects & ~(1L << depth);
                depth++;
                pos++;
                expect = object ? EXPECT_NAME_OR_END_OBJECT : EXPECT_VALUE_OR_END_ARRAY;
                return token(object ? START_OBJECT : START_ARRAY, start, pos);
            }
            case '"' -> {
                pos = string(pos);
                expect = AFTER_VALUE;
                return token(STRING, start, pos);
            }
            case 't' -> {
                return literal("true", TRUE);
            }
            case 'f' -> {
                return literal("false", FALSE);
            }
            case 'n' -> {
                return literal("null", NULL);
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw fail("Unexpected " + describe(c), pos);
            }
        }
    }

    private byte literal(String word, byte kind) {
        int start = pos;
        for (int k = 0; k < word.length(); k++) {
            if (pos >= end || data[pos] != word.charAt(k)) {
                throw fail("Unrecognised token (expected '" + word + "')", start);
            }
            pos++;
        }
        expect = AFTER_VALUE;
        return token(kind, start, pos);
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private byte number() {
        int start = pos;
        negative = data[pos] == '-';
        if (negative) {
            pos++;
        }
        if (pos >= end || data[pos] < '0' || data[pos] > '9') {
            throw fail("Expected a digit in the number", pos);
        }
        if (data[pos] == '0') {
            pos++;
        } else {
            pos = digits(pos);
        }
        boolean fraction = false;
        if (pos < end && data[pos] == '.') {
            int after = digits(pos + 1);
            if (after == pos + 1) {
                throw fail("Expected a digit after the decimal point", after);
            }
            pos = after;
            fraction = true;
        }
        exponent = pos < end && (data[pos] == 'e' || data[pos] == 'E');
        if (exponent) {
            pos++;
            if (pos < end && (data[pos] == '+' || data[pos] == '-')) {
                pos++;
            }
            int after = digits(pos);
            if (after == pos) {
                throw fail("Expected a digit in the exponent", after);
            }
            pos = after;
            fraction = true;
        }
        if (pos - start > limits.maxNumberLength()) {
            throw fail("Number longer than " + limits.maxNumberLength() + " characters", start);
        }
        expect = AFTER_VALUE;
        return token(fraction ? FLOAT : INTEGER, start, pos);
    }

    private int digits(int i) {
        while (i < end && data[i] >= '0' && data[i] <= '9') {
            i++;
        }
        return i;
    }

    /** Printable ASCII but the quote and the backslash: a string's bytes that need no further look. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int b = 0x20; b < 0x80; b++) {
            PLAIN[b] = b != '"' && b != '\\';
        }
    }

    /** A string from its opening quote: the index after its closing quote. Sets {@link #escaped}, {@link #nonAscii}. */
    private int string(int i) {
        boolean anyEscape = false;
        boolean anyNonAscii = false;
        i++;
        while (true) {
            while (i < end && PLAIN[data[i] & 0xFF]) {
                i++;
            }
            if (i >= end) {
                throw fail("Unexpected end of input in a string", i);
            }
            byte b = data[i];
            if (b == '"') {
                escaped = anyEscape;
                nonAscii = anyNonAscii;
                return i + 1;
            }
            if (b == '\\') {
                anyEscape = true;
                i = escape(i);
            } else if (b >= 0x20) {
                i++;
            } else if (b >= 0) {
                throw fail("Control character " + describe(b) + " in a string must be escaped", i);
            } else {
                anyNonAscii = true;
                int next = Utf8.sequenceEnd(data, i, end);
                if (next < 0) {
                    throw fail("Invalid UTF-8 in a string", i);
                }
                i = next;
            }
        }
    }

    /** The escape at {@code i} (its backslash): the index after it. */
    private int escape(int i) {
        if (i + 1 >= end) {
            throw fail("Unexpected end of input in a string", i);
        }
        byte e = data[i + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                if (i + 5 >= end) {
                    throw fail("Unexpected end of input in a \\u escape", i);
                }
                for (int k = 2; k <= 5; k++) {
                    if (hex(data[i + k]) < 0) {
                        throw fail("Expected four hexadecimal digits after \\u", i);
                    }
                }
                return i + 6;
            }
            default -> throw fail("Unrecognised escape \\" + (e >= 0x21 && e < 0x7F ? String.valueOf((char) e)
                    : "(byte 0x" + Integer.toHexString(e & 0xFF) + ")") + " in a string", i);
        }
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private int skipWhitespace(int i) {
        if (i < end && data[i] > ' ') {
            return i; // compact JSON: nothing to skip
        }
        while (i < end) {
            byte b = data[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    // ---- values of the current token -------------------------------------------------------------------------------

    /** A string's or field name's content in bytes, as written (escapes not decoded). */
    public int rawTextLength() {
        return tokenEnd - tokenStart - 2;
    }

    /** Whether the current number has an exponent (only such a number can be too large for a double). */
    public boolean hasExponent() {
        return exponent;
    }

    /**
     * The current field name, decoded; names without escapes come from a cache shared by all cursors, so the same
     * name is the same String (and its hash is computed once).
     */
    public String name() {
        if (text == null) {
            text = escaped ? decode() : NameCache.lookup(data, tokenStart + 1, tokenEnd - 1, nonAscii, nameHash);
        }
        return text;
    }

    /** The current string or field name decoded, or a number as written, or the literal. */
    public String text() {
        if (text == null) {
            if (token == STRING || token == FIELD_NAME) {
                text = escaped ? decode() : new String(data, tokenStart + 1, tokenEnd - tokenStart - 2,
                        nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            } else {
                text = new String(data, tokenStart, tokenEnd - tokenStart, StandardCharsets.ISO_8859_1);
            }
        }
        return text;
    }

    private String decode() {
        int from = tokenStart + 1;
        int to = tokenEnd - 1;
        StringBuilder out = new StringBuilder(to - from);
        int plain = from;
        int i = from;
        while (i < to) {
            if (data[i] != '\\') {
                i++;
                continue;
            }
            if (i > plain) {
                out.append(new String(data, plain, i - plain, StandardCharsets.UTF_8));
            }
            byte e = data[i + 1];
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    // As Jackson: each escape is one char, a lone surrogate included.
                    out.append((char) (hex(data[i + 2]) << 12 | hex(data[i + 3]) << 8 | hex(data[i + 4]) << 4
                            | hex(data[i + 5])));
                    i += 4;
                }
                default -> out.append((char) e);
            }
            i += 2;
            plain = i;
        }
        if (to > plain) {
            out.append(new String(data, plain, to - plain, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** For an {@link #INTEGER}: {@link #FITS_INT}, {@link #FITS_LONG} or {@link #BIG}. */
    public int integerSize() {
        int digits = tokenEnd - tokenStart - (negative ? 1 : 0);
        if (digits <= 9) {
            return FITS_INT;
        }
        if (digits <= 18) {
            long value = longValue();
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? FITS_INT : FITS_LONG;
        }
        BigInteger value = bigIntegerValue();
        return value.bitLength() <= 31 ? FITS_INT : value.bitLength() <= 63 ? FITS_LONG : BIG;
    }

    /** For an {@link #INTEGER} that fits a long. */
    public long longValue() {
        int i = tokenStart + (negative ? 1 : 0);
        if (tokenEnd - i > 18) {
            return bigIntegerValue().longValueExact();
        }
        long value = 0;
        for (; i < tokenEnd; i++) {
            value = value * 10 + (data[i] - '0');
        }
        return negative ? -value : value;
    }

    public int intValue() {
        return Math.toIntExact(longValue());
    }

    public BigInteger bigIntegerValue() {
        return new BigInteger(text());
    }

    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * The current number as the nearest double, as {@link Double#parseDouble} gives it. Decimals of at most 15
     * significant digits and a small exponent are computed exactly with one multiplication or division (both operands
     * exact, so the result is correctly rounded); anything else goes to {@link Double#parseDouble}.
     */
    public double doubleValue() {
        int i = tokenStart + (negative ? 1 : 0);
        long mantissa = 0;
        int significant = 0;
        int scale = 0;
        boolean afterPoint = false;
        for (; i < tokenEnd; i++) {
            byte b = data[i];
            if (b == '.') {
                afterPoint = true;
                continue;
            }
            if (b == 'e' || b == 'E') {
                break;
            }
            if (significant > 0 || b != '0') {
                if (++significant > 15) {
                    return Double.parseDouble(text());
                }
                mantissa = mantissa * 10 + (b - '0');
            }
            if (afterPoint) {
                scale--;
            }
        }
        if (i < tokenEnd) { // the exponent
            i++;
            boolean negative = data[i] == '-';
            if (data[i] == '-' || data[i] == '+') {
                i++;
            }
            if (tokenEnd - i > 3) {
                return Double.parseDouble(text());
            }
            int exponent = 0;
            for (; i < tokenEnd; i++) {
                exponent = exponent * 10 + (data[i] - '0');
            }
            scale += negative ? -exponent : exponent;
        }
        double value;
        if (mantissa == 0) {
            // An integer -0 is the int 0 to Jackson (and to a tree), a float -0.0 keeps its sign
            return negative && token == FLOAT ? -0.0 : 0.0;
        } else if (scale >= 0 && scale <= 22) {
            value = (double) mantissa * POWERS_OF_TEN[scale];
        } else if (scale < 0 && scale >= -22) {
            value = (double) mantissa / POWERS_OF_TEN[-scale];
        } else {
            return Double.parseDouble(text());
        }
        return negative ? -value : value;
    }

    // ---- errors ----------------------------------------------------------------------------------------------------

    private Malformed fail(String reason, int at) {
        return new Malformed(reason + " (at byte " + (Math.min(at, end) - base) + ")");
    }

    private static String describe(byte b) {
        return b > 0x20 && b < 0x7F ? "character '" + (char) b + "'" : "byte 0x" + String.format("%02X", b & 0xFF);
    }

    /** The text is not JSON (or breaks a limit) at the byte its message names. No stack trace: it is an answer. */
    public static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Field names without escapes by their bytes: devices send the same few names in every message. Two-way
     * set-associative, so two names of one payload that share a set do not evict each other on every message; shared by
     * all threads (an entry is immutable, so a race costs at most a lookup's allocation).
     */
    private static final class NameCache {
        private static final int SETS = 512;
        private static final int MAX_NAME = 64;
        private static final Entry[] ENTRIES = new Entry[SETS * 2];

        private record Entry(byte[] bytes, int hash, String name) {
            boolean holds(byte[] data, int from, int length, int hash) {
                if (this.hash != hash || bytes.length != length) {
                    return false;
                }
                for (int i = 0; i < length; i++) { // names are short: a plain loop beats Arrays.equals' set-up
                    if (bytes[i] != data[from + i]) {
                        return false;
                    }
                }
                return true;
            }
        }

        /** @param hash the name's bytes hashed ({@code h = 31 * h + b} from 0), or {@link #NO_HASH} */
        static String lookup(byte[] data, int from, int to, boolean nonAscii, int hash) {
            int length = to - from;
            if (length > MAX_NAME) {
                return decode(data, from, length, nonAscii);
            }
            if (hash == NO_HASH) {
                hash = 0;
                for (int i = from; i < to; i++) {
                    hash = 31 * hash + data[i];
                }
            }
            int first = ((hash * 0x9E3779B9) >>> 23) << 1; // Fibonacci hashing: short names differ in low bits only
            Entry a = ENTRIES[first];
            if (a != null && a.holds(data, from, length, hash)) {
                return a.name;
            }
            Entry b = ENTRIES[first + 1];
            if (b != null && b.holds(data, from, length, hash)) {
                return b.name;
            }
            // Interned, so that comparing it with the constants and schema keys it usually equals is one reference
            // comparison (String.equals was a tenth of a decode's time).
            String name = decode(data, from, length, nonAscii).intern();
            // The newest goes first, the one it displaces second: a set keeps its two most recent names.
            ENTRIES[first + 1] = a;
            ENTRIES[first] = new Entry(java.util.Arrays.copyOfRange(data, from, to), hash, name);
            return name;
        }

        private static String decode(byte[] data, int from, int length, boolean nonAscii) {
            return new String(data, from, length, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }
    }
}
