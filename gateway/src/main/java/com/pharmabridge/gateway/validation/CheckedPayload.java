package com.pharmabridge.gateway.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * A payload that passed {@link PayloadValidator#validate}, with what its callers read of it: top-level fields such as
 * {@code batchId}, {@code line} and {@code plant}, without parsing it again. Backed by the fields the streaming check
 * captured, or by the tree the networknt check built.
 */
public final class CheckedPayload {
    /** The top-level fields the streaming check captures as it goes; any other name is read from the bytes. */
    static final String[] CAPTURED_FIELDS = {"batchId", "line", "plant"};
    private static final JsonFactory PLAIN = new JsonFactory();

    private final byte[] bytes;
    private final int offset;
    private final int length;
    private final JsonNode tree;
    private final String[] captured;

    private CheckedPayload(byte[] bytes, int offset, int length, JsonNode tree, String[] captured) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.tree = tree;
        this.captured = captured;
    }

    static CheckedPayload ofTree(byte[] bytes, int offset, int length, JsonNode tree) {
        return new CheckedPayload(bytes, offset, length, tree, null);
    }

    /** @param captured the values of {@link #CAPTURED_FIELDS}, in that order */
    static CheckedPayload ofCaptured(byte[] bytes, int offset, int length, String[] captured) {
        return new CheckedPayload(bytes, offset, length, null, captured);
    }

    /**
     * @return the payload's top-level string field {@code name}, or the text of a number there as written; the last
     * of repeated fields counts; {@code null} when the payload is not an object or has no such string or number
     */
    public String topLevelString(String name) {
        if (captured != null) {
            for (int i = 0; i < CAPTURED_FIELDS.length; i++) {
                if (CAPTURED_FIELDS[i].equals(name)) {
                    return captured[i];
                }
            }
            return topLevelString(bytes, offset, length, name);
        }
        if (tree == null || !tree.isObject()) {
            return topLevelString(bytes, offset, length, name);
        }
        JsonNode value = tree.get(name);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        // A number's text as written is no longer in the tree
        return value.isNumber() ? topLevelString(bytes, offset, length, name) : null;
    }

    /**
     * The top-level string field {@code name} of the JSON value in {@code bytes[offset, offset + length)}, or the text
     * of a number there as written; the last occurrence wins; {@code null} when the value is not an object, has no
     * such string or number, or cannot be read. Nested values are skipped unread.
     */
    public static String topLevelString(byte[] bytes, int offset, int length, String name) {
        if (length <= 0 || bytes[offset] != '{') {
            return null;
        }
        String found = null;
        try (JsonParser parser = PLAIN.createParser(bytes, offset, length)) {
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
}
