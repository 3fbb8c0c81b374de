package com.pharmabridge.gateway.session;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.pharmabridge.protocol.Envelope;

import java.io.IOException;

/** Reads the few gateway-relevant fields out of a payload without touching the payload bytes themselves. */
final class Payloads {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Payloads() {
    }

    /** The payload as a tree, for small control payloads (Auth, Subscribe options, Ack); missing when absent. */
    static JsonNode tree(Envelope envelope) {
        if (!envelope.hasPayload()) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(envelope.frame(), envelope.payloadOffset(), envelope.payloadLength());
        } catch (IOException e) {
            return MissingNode.getInstance(); // cannot happen: the decoder already parsed it
        }
    }

    /**
     * @return the payload's top-level string field {@code name}, {@code null} when the payload is not an object or
     * has no such string; nested objects are skipped unread
     */
    static String topLevelString(Envelope envelope, String name) {
        if (!envelope.hasPayload() || envelope.frame()[envelope.payloadOffset()] != '{') {
            return null;
        }
        String found = null;
        try (JsonParser parser = MAPPER.getFactory().createParser(envelope.frame(), envelope.payloadOffset(),
                envelope.payloadLength())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name)) {
                    // The last occurrence wins, as in the parsers that will read the stored payload.
                    found = value == JsonToken.VALUE_STRING || value.isNumeric() ? parser.getText() : null;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return found;
    }

    /**
     * As {@link #topLevelString(Envelope, String)}, from the payload's tree when the caller already has it: a string
     * is taken from the tree (Jackson keeps the last of repeated fields there too); a number, whose text the tree no
     * longer holds as written, and a missing tree go to the parser.
     */
    static String topLevelString(Envelope envelope, JsonNode parsed, String name) {
        if (parsed == null || !parsed.isObject()) {
            return topLevelString(envelope, name);
        }
        JsonNode value = parsed.get(name);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.isNumber() ? topLevelString(envelope, name) : null;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
