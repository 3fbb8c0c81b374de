package com.pharmabridge.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;

/** Small JSON checks shared by the gateway and the SDK. */
public final class JsonValues {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    // One level less than the decoder allows: the envelope around it adds one.
                    .maxNestingDepth(EnvelopeDecoder.MAX_NESTING_DEPTH - 1)
                    .build())
            .build();

    private JsonValues() {
    }

    private static boolean startsJsonValue(byte b) {
        return b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f' || b == 'n';
    }

    /** @return true when the bytes are exactly one JSON value (surrounding white space allowed), in valid UTF-8 */
    public static boolean isSingleJsonValue(byte[] data) {
        int first = Utf8.skipWhitespace(data, 0, data.length);
        if (first >= data.length || !startsJsonValue(data[first])) {
            return false; // also keeps Jackson from detecting UTF-16/32 or a byte-order mark
        }
        if (certainlyValid(data, first)) {
            return true; // strict RFC 8259 text in valid UTF-8, well within the parser's limits: Jackson accepts it
        }
        if (!Utf8.isValidJsonText(data, 0, data.length)) {
            return false;
        }
        try (JsonParser parser = FACTORY.createParser(data)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                parser.finishToken();
            }
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---- fast path ---------------------------------------------------------------------------------------------------
    // Every delivery to a device asks whether the NATS data is JSON; parsing it with Jackson was a third of a
    // delivery's cost. This scanner accepts only strict RFC 8259 text that is far inside the limits Jackson applies
    // (nesting, number and name lengths, size) and answers "not sure" to everything else, which Jackson then
    // decides: the answer of isSingleJsonValue is the same either way. UTF-8 is checked in the same pass: outside
    // strings the grammar allows ASCII only.

    /** Far below {@link #FACTORY}'s nesting limit. */
    static final int FAST_MAX_DEPTH = 32;
    /** Far below Jackson's number (1,000 characters) and name (50,000) length limits. */
    private static final int FAST_MAX_NUMBER = 100;
    private static final int FAST_MAX_NAME = 1000;
    /** Far below Jackson's string length limit (5 or 20 million characters, by version), so no string can reach it. */
    private static final int FAST_MAX_SIZE = 1 << 20;

    /** @return true only when {@code data} from {@code start} is certainly one JSON value, in UTF-8, Jackson accepts */
    static boolean certainlyValid(byte[] data, int start) {
        int end = data.length;
        if (end > FAST_MAX_SIZE) {
            return false;
        }
        long objects = 0; // bit d set: the container at depth d+1 is an object
        int depth = 0;
        int i = start;
        while (true) {
            // at a value
            if (i >= end) {
                return false;
            }
            byte b = data[i];
            if (b == '{' || b == '[') {
                if (depth == FAST_MAX_DEPTH) {
                    return false;
                }
                boolean object = b == '{';
                objects = object ? objects | (1L << depth) : objects & ~(1L << depth);
                depth++;
                i = skipWs(data, i + 1, end);
                if (i >= end) {
                    return false;
                }
                if (data[i] == (object ? '}' : ']')) {
                    depth--;
                    i++;
                } else if (object) {
                    i = member(data, i, end);
                    if (i < 0) {
                        return false;
                    }
                    continue;
                } else {
                    continue;
                }
            } else if (b == '"') {
                i = string(data, i, end, Integer.MAX_VALUE);
            } else if (b == '-' || (b >= '0' && b <= '9')) {
                i = number(data, i, end);
            } else if (b == 't') {
                i = literal(data, i, end, "true");
            } else if (b == 'f') {
                i = literal(data, i, end, "false");
            } else if (b == 'n') {
                i = literal(data, i, end, "null");
            } else {
                return false;
            }
            if (i < 0) {
                return false;
            }
            // after a value: close containers, or go on to the next element or member
            while (true) {
                i = skipWs(data, i, end);
                if (depth == 0) {
                    return i == end;
                }
                if (i >= end) {
                    return false;
                }
                boolean object = (objects & (1L << (depth - 1))) != 0;
                byte c = data[i];
                if (c == ',') {
                    i = skipWs(data, i + 1, end);
                    if (object) {
                        i = member(data, i, end);
                        if (i < 0) {
                            return false;
                        }
                    }
                    break;
                } else if (c == (object ? '}' : ']')) {
                    depth--;
                    i++;
                } else {
                    return false;
                }
            }
        }
    }

    /** A member's name and colon: the index of its value (white space skipped), or -1. */
    private static int member(byte[] data, int i, int end) {
        if (i >= end || data[i] != '"') {
            return -1;
        }
        i = string(data, i, end, FAST_MAX_NAME);
        if (i < 0) {
            return -1;
        }
        i = skipWs(data, i, end);
        if (i >= end || data[i] != ':') {
            return -1;
        }
        return skipWs(data, i + 1, end);
    }

    private static int skipWs(byte[] data, int i, int end) {
        while (i < end) {
            byte b = data[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** A string from its opening quote: the index after its closing quote, or -1. */
    private static int string(byte[] data, int i, int end, int maxLength) {
        int from = ++i;
        while (i < end) {
            byte b = data[i];
            if (b == '"') {
                return i - from > maxLength ? -1 : i + 1;
            }
            if (b == '\\') {
                if (i + 1 >= end) {
                    return -1;
                }
                byte e = data[i + 1];
                if (e == 'u') {
                    if (i + 5 >= end) {
                        return -1;
                    }
                    int code = 0;
                    for (int k = 2; k <= 5; k++) {
                        int h = hex(data[i + k]);
                        if (h < 0) {
                            return -1;
                        }
                        code = code << 4 | h;
                    }
                    if (code >= 0xD800 && code <= 0xDFFF) {
                        return -1; // surrogate escapes: left to Jackson
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    i += 2;
                } else {
                    return -1;
                }
            } else if (b >= 0x20) {
                i++;
            } else if (b >= 0) {
                return -1; // control characters must be escaped
            } else {
                i = Utf8.sequenceEnd(data, i, end); // the only place non-ASCII bytes may be: checked as they come
                if (i < 0) {
                    return -1;
                }
            }
        }
        return -1;
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

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?: the index after it, or -1. */
    private static int number(byte[] data, int i, int end) {
        int from = i;
        if (data[i] == '-') {
            i++;
        }
        if (i >= end) {
            return -1;
        }
        if (data[i] == '0') {
            i++;
        } else if (data[i] >= '1' && data[i] <= '9') {
            i = digits(data, i, end);
        } else {
            return -1;
        }
        if (i < end && data[i] == '.') {
            int after = digits(data, i + 1, end);
            if (after == i + 1) {
                return -1;
            }
            i = after;
        }
        if (i < end && (data[i] == 'e' || data[i] == 'E')) {
            i++;
            if (i < end && (data[i] == '+' || data[i] == '-')) {
                i++;
            }
            int after = digits(data, i, end);
            if (after == i) {
                return -1;
            }
            i = after;
        }
        return i - from > FAST_MAX_NUMBER ? -1 : i;
    }

    private static int digits(byte[] data, int i, int end) {
        while (i < end && data[i] >= '0' && data[i] <= '9') {
            i++;
        }
        return i;
    }

    private static int literal(byte[] data, int i, int end, String word) {
        int n = word.length();
        if (i + n > end) {
            return -1;
        }
        for (int k = 0; k < n; k++) {
            if (data[i + k] != word.charAt(k)) {
                return -1;
            }
        }
        return i + n;
    }
}
