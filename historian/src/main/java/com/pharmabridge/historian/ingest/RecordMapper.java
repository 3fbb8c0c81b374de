package com.pharmabridge.historian.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.StoredRecord;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/** Turns a JetStream message into the row the historian keeps: who, when (three clocks), which batch, which bytes. */
public final class RecordMapper {
    /** Header names the gateway sets (gateway/session/PublishHeaders). */
    public static final String DEVICE_ID = "Device-Id";
    public static final String DEVICE_TYPE = "Device-Type";
    public static final String GATEWAY_ID = "Gateway-Id";
    public static final String RECEIVED_AT = "Received-At";
    public static final String DEVICE_TIMESTAMP = "Device-Timestamp";
    public static final String BATCH_ID = "Batch-Id";
    public static final String PAYLOAD_SHA256 = "Payload-SHA256";

    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BATCH_SUBJECT = Pattern.compile("batch\\.([^.]+)\\.[^.]+");

    private RecordMapper() {
    }

    public static StoredRecord map(RecordTable table, Message message) {
        NatsJetStreamMetaData meta = message.metaData();
        return map(table, meta.getStream(), meta.streamSequence(), meta.timestamp().toInstant(), message.getSubject(),
                message.getHeaders(), message.getData());
    }

    /** The same from the parts of a message, e.g. one read back with JetStream's get-message API. */
    public static StoredRecord map(RecordTable table, String stream, long seq, Instant storedAt, String subject,
                                   Headers headers, byte[] data) {
        byte[] payload = data == null ? new byte[0] : data;
        String batchId = header(headers, BATCH_ID);
        if (batchId == null) {
            batchId = topLevelString(payload, "batchId");
        }
        if (batchId == null && table == RecordTable.BATCHES) {
            var m = BATCH_SUBJECT.matcher(subject);
            batchId = m.matches() ? m.group(1) : null;
        }
        return new StoredRecord(table, stream, seq, micros(storedAt), text(subject), header(headers, DEVICE_ID),
                header(headers, DEVICE_TYPE), header(headers, GATEWAY_ID), batchId,
                time(header(headers, DEVICE_TIMESTAMP)), time(header(headers, RECEIVED_AT)), payload, sha256(payload),
                header(headers, PAYLOAD_SHA256), headersJson(headers));
    }

    /** PostgreSQL keeps microseconds: the key must be the same value every time the message is delivered. */
    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        String value = headers.getFirst(name);
        return value == null || value.isBlank() ? null : text(value);
    }

    /**
     * PostgreSQL text (and jsonb) cannot hold U+0000; a header carrying one would stop its stream at the insert for
     * ever. It becomes U+FFFD; the payload, kept as bytes, is never changed.
     */
    static String text(String value) {
        return value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', '\uFFFD');
    }

    /** An ISO-8601 time with offset (2026-01-15T10:29:59.950Z), or null: the raw text stays in the headers. */
    static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return micros(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A string field at the top level of a JSON object payload; null for anything else, including non-JSON. */
    static String topLevelString(byte[] payload, String field) {
        if (payload.length == 0) {
            return null;
        }
        try (JsonParser parser = JSON_FACTORY.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field)) {
                    return value == JsonToken.VALUE_STRING && !parser.getText().isBlank() ? text(parser.getText()) : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String headersJson(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        headers.forEach((name, values) -> {
            List<String> list = values == null ? List.of() : values;
            if (list.size() == 1) {
                node.put(text(name), text(list.get(0)));
            } else {
                var array = node.putArray(text(name));
                list.forEach(v -> array.add(text(v)));
            }
        });
        return node.toString();
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
