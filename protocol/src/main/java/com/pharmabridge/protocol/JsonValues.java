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
        if (first >= data.length || !startsJsonValue(data[first]) || !Utf8.isValidJsonText(data, 0, data.length)) {
            return false; // also keeps Jackson from detecting UTF-16/32 or a byte-order mark
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
}
