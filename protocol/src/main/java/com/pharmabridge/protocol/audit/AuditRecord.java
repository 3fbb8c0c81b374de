package com.pharmabridge.protocol.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.Sha256;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One record of a gateway's audit trail, exactly as stored: a flat JSON object whose last field is {@code hash}, the
 * SHA-256 of the record's text without that field. Each record carries the hash of the one before ({@code prev}),
 * so altering, removing or reordering a record breaks the chain at that point. The text is hashed as stored — no
 * re-serialisation — so any JSON library may read it, and only the gateway writes it.
 * <pre>
 * {"v":1,"gatewayId":"gw-1","seq":17,"time":"2026-01-15T10:30:00.123Z","actor":"device","actorId":"sealer-01",
 *  "action":"auth.login","outcome":"failure","remote":"10.0.0.7","details":{"code":"AUTH_FAILED"},
 *  "prev":"…64 hex…","hash":"…64 hex…"}
 * </pre>
 *
 * @param text      the record as stored
 * @param gatewayId the gateway that wrote it
 * @param seq       its number in that gateway's chain, from 1
 * @param action    what happened, e.g. {@code auth.login}, {@code audit.checkpoint}
 * @param prev      the hash of record {@code seq - 1} ({@link #GENESIS} for the first)
 * @param hash      the hash the record claims
 * @param details   the {@code details} object's scalar fields, as text
 */
public record AuditRecord(String text, String gatewayId, long seq, String action, String prev, String hash,
                          Map<String, String> details) {
    /** The {@code prev} of a chain's first record. */
    public static final String GENESIS = "0".repeat(64);
    public static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern HASH_SUFFIX = Pattern.compile(",\"hash\":\"[0-9a-f]{64}\"}$");

    /**
     * Completes a record: appends {@code ,"hash":"…"} to {@code body}, a JSON object written without it (ending in
     * {@code }}).
     */
    public static String seal(String body) {
        if (!body.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object: " + body);
        }
        return body.substring(0, body.length() - 1) + ",\"hash\":\"" + Sha256.hex(body) + "\"}";
    }

    /** @return the hash the stored text really has: SHA-256 of the text without its {@code hash} field */
    public String computedHash() {
        if (!HASH_SUFFIX.matcher(text).find()) {
            return null;
        }
        String body = text.substring(0, text.length() - ",\"hash\":\"\"}".length() - 64) + "}";
        return Sha256.hex(body);
    }

    /** @return true when the text hashes to the hash it carries */
    public boolean intact() {
        return hash != null && hash.equals(computedHash());
    }

    /**
     * Reads a stored record.
     *
     * @throws IllegalArgumentException when the text is not a record (not JSON, or without gatewayId/seq/hash)
     */
    public static AuditRecord parse(String text) {
        Map<String, String> top = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an audit record is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("details".equals(name) && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken inner = parser.nextToken();
                        if (inner.isScalarValue()) {
                            details.put(field, parser.getValueAsString());
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else if (value.isScalarValue()) {
                    top.put(name, parser.getValueAsString());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        String gatewayId = top.get("gatewayId");
        String seq = top.get("seq");
        if (gatewayId == null || seq == null || !seq.matches("\\d{1,18}")) {
            throw new IllegalArgumentException("an audit record needs gatewayId and seq");
        }
        return new AuditRecord(text, gatewayId, Long.parseLong(seq), top.getOrDefault("action", ""),
                top.get("prev"), top.get("hash"), Map.copyOf(details));
    }

    /** The bytes a checkpoint signs: the chain head it vouches for. */
    public static byte[] checkpointStatement(String gatewayId, long headSeq, String headHash) {
        return ("pharmabridge-audit-checkpoint\n" + gatewayId + "\n" + headSeq + "\n" + headHash)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Quotes {@code value} as a JSON string (for writers building a record body). */
    public static StringBuilder quote(StringBuilder out, String value) {
        return EnvelopeWriter.quote(out, value);
    }
}
