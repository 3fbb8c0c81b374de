package com.pharmabridge.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.pharmabridge.gateway.validation.CheckedPayload;
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
        if (!envelope.hasPayload()) {
            return null;
        }
        return CheckedPayload.topLevelString(envelope.frame(), envelope.payloadOffset(), envelope.payloadLength(), name);
    }

    /**
     * As {@link #topLevelString(Envelope, String)}, from what the validator already read of the payload when it
     * checked it; without that ({@code null}: no rule applied), from the payload's bytes.
     */
    static String topLevelString(Envelope envelope, CheckedPayload checked, String name) {
        return checked == null ? topLevelString(envelope, name) : checked.topLevelString(name);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
