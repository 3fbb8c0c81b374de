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
    // delivery's cost. The cursor accepts only strict RFC 8259 text in valid UTF-8; held far inside the limits Jackson
    // applies (nesting, number and name lengths, size), what it accepts Jackson accepts, and whatever it refuses
    // Jackson then decides: the answer of isSingleJsonValue is the same either way.

    /** Far below {@link #FACTORY}'s nesting limit. */
    static final int FAST_MAX_DEPTH = 32;
    /** Far below Jackson's number (1,000 characters) and name (50,000) length limits. */
    private static final JsonCursor.Limits FAST_LIMITS = new JsonCursor.Limits(FAST_MAX_DEPTH, 100, 1000);
    /** Far below Jackson's string length limit (5 or 20 million characters, by version), so no string can reach it. */
    private static final int FAST_MAX_SIZE = 1 << 20;

    /** @return true only when {@code data} from {@code start} is certainly one JSON value, in UTF-8, Jackson accepts */
    static boolean certainlyValid(byte[] data, int start) {
        if (data.length > FAST_MAX_SIZE) {
            return false;
        }
        try {
            JsonCursor cursor = new JsonCursor(data, start, data.length - start, FAST_LIMITS);
            while (cursor.next() != JsonCursor.END) {
                // every token is checked as it is reached
            }
            return true;
        } catch (JsonCursor.Malformed notCertain) {
            return false;
        }
    }
}
