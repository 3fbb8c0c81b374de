package com.pharmabridge.protocol;

import java.util.Arrays;

/**
 * Reads a device frame into an {@link Envelope} with a {@link JsonCursor}. The whole frame is checked as JSON in
 * UTF-8 (the payload too, token by token) but the payload is never materialised; its byte range in the frame is kept
 * instead. Thread-safe.
 */
public final class EnvelopeDecoder {
    public static final int MAX_CORRELATION_ID_LENGTH = 128;
    /** Nesting deeper than this is refused: it is never real equipment data and costs stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    public EnvelopeDecoder() {
    }

    public Envelope decode(byte[] frame) {
        return decode(frame, 0, frame.length);
    }

    public Envelope decode(byte[] frame, int offset, int length) {
        return decode(frame, offset, length, null);
    }

    /**
     * As {@link #decode(byte[], int, int)}, showing the payload to {@code inspector} on the way (see
     * {@link PayloadInspector}); its finding is kept only if the envelope's final type and subject are the ones it was
     * shown (a later repeated field would otherwise slip past it).
     */
    public Envelope decode(byte[] frame, int offset, int length, PayloadInspector inspector) {
        FieldReader reader = new FieldReader(frame, inspector);
        int first = Utf8.skipWhitespace(frame, offset, length);
        if (first >= offset + length || frame[first] != '{') {
            throw new EnvelopeDecodeException(ErrorCode.INVALID_MESSAGE, "Message must be a JSON object in UTF-8", null, null);
        }
        try {
            return reader.read(new JsonCursor(frame, offset, length));
        } catch (JsonCursor.Malformed e) {
            String correlationId = reader.correlationId != null ? reader.correlationId
                    : plainCorrelationId(frame, offset, length);
            throw new EnvelopeDecodeException(ErrorCode.INVALID_MESSAGE, "Message is not valid JSON: " + e.getMessage(),
                    correlationId, reader.subject);
        }
    }

    private static final byte[] CORRELATION_ID_NAME =
            "correlationId".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The correlationId of a frame that is not valid JSON, so that the device's Error still names the message (a
     * broken payload usually comes before the id): a plain one (letters, digits, {@code _ . : -}, at most 128) that is
     * a member of the outermost object, found by a lenient scan that follows only strings and brackets. Null when
     * there is none there, or the frame is too broken to tell.
     */
    public static String plainCorrelationId(byte[] frame, int offset, int length) {
        int end = offset + length;
        int depth = 0;
        long objects = 0; // bit d: the bracket open at depth d + 1 is '{'
        int i = offset;
        while (i < end) {
            byte b = frame[i];
            if (b == '"') {
                int close = closingQuote(frame, i + 1, end);
                if (close < 0) {
                    return null;
                }
                if (depth == 1
                        && Arrays.equals(frame, i + 1, close, CORRELATION_ID_NAME, 0, CORRELATION_ID_NAME.length)) {
                    int colon = Utf8.skipWhitespace(frame, close + 1, end - close - 1);
                    if (colon < end && frame[colon] == ':') {
                        int value = Utf8.skipWhitespace(frame, colon + 1, end - colon - 1);
                        return value < end && frame[value] == '"' ? plainValue(frame, value + 1, end) : null;
                    }
                }
                i = close + 1;
                continue;
            }
            if (b == '{' || b == '[') {
                if (depth == 64) {
                    return null;
                }
                objects = b == '{' ? objects | (1L << depth) : objects & ~(1L << depth);
                depth++;
            } else if (b == '}' || b == ']') {
                if (depth == 0 || ((objects >>> (depth - 1) & 1) == 1) != (b == '}')) {
                    return null; // brackets that do not pair: no guess
                }
                depth--;
            }
            i++;
        }
        return null;
    }

    /** The index of the quote that closes a string whose content starts at {@code i}, or -1. */
    private static int closingQuote(byte[] frame, int i, int end) {
        while (i < end) {
            if (frame[i] == '\\') {
                i += 2;
            } else if (frame[i] == '"') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static String plainValue(byte[] frame, int from, int end) {
        int i = from;
        while (i < end && i - from <= MAX_CORRELATION_ID_LENGTH) {
            byte c = frame[i];
            if (c == '"') {
                return i == from ? null : new String(frame, from, i - from, java.nio.charset.StandardCharsets.US_ASCII);
            }
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == ':' || c == '-')) {
                return null;
            }
            i++;
        }
        return null;
    }

    /** One decode's state, so the error path can still report the correlation id read so far. */
    private static final class FieldReader {
        private final byte[] frame;
        String correlationId;
        String subject;
        private int typeCode = -1; // -1: no usable type read
        private boolean typeInvalid;
        private String timestamp;
        private String replyTo;
        private String ackId;
        private Long timeoutMs;
        private int payloadOffset = -1;
        private int payloadLength = -1;
        private String problem;

        private final PayloadInspector inspector;
        private Object inspection;
        private MessageType inspectedType;
        private String inspectedSubject;

        FieldReader(byte[] frame, PayloadInspector inspector) {
            this.inspector = inspector;
            this.frame = frame;
        }

        Envelope read(JsonCursor cursor) {
            if (cursor.next() != JsonCursor.START_OBJECT) {
                throw fail("Message must be a JSON object");
            }
            byte token;
            while ((token = cursor.next()) == JsonCursor.FIELD_NAME) {
                String name = cursor.name();
                byte value = cursor.next();
                switch (name) {
                    case "type" -> readType(cursor, value);
                    case "subject" -> subject = readString(cursor, value, "subject");
                    case "correlationId" -> readCorrelationId(cursor, value);
                    case "timestamp" -> timestamp = readString(cursor, value, "timestamp");
                    case "replyTo" -> replyTo = readString(cursor, value, "replyTo");
                    case "ackId" -> ackId = readString(cursor, value, "ackId");
                    case "timeoutMs" -> readTimeout(cursor, value);
                    case "payload" -> readPayload(cursor, value);
                    default -> cursor.skipChildren();
                }
            }
            // The cursor refuses anything but '}' here, and anything but white space after it.
            cursor.next();
            if (problem == null) {
                if (typeCode < 0 && !typeInvalid) {
                    problem = "Missing field 'type'";
                } else if (typeInvalid || MessageType.fromCode(typeCode) == null) {
                    problem = "Unknown message type";
                }
            }
            if (problem != null) {
                throw fail(problem);
            }
            Envelope envelope = new Envelope(MessageType.fromCode(typeCode), subject, correlationId, timestamp, replyTo,
                    ackId, timeoutMs, frame, payloadOffset, payloadLength);
            if (inspection != null && inspectedType == envelope.type() && subject != null
                    && subject.equals(inspectedSubject)) {
                envelope.inspection(inspection);
            }
            return envelope;
        }

        private void readType(JsonCursor cursor, byte value) {
            if (value == JsonCursor.INTEGER && cursor.integerSize() == JsonCursor.FITS_INT) {
                typeCode = cursor.intValue();
                typeInvalid = typeCode < 0;
            } else {
                cursor.skipChildren();
                typeCode = -1;
                typeInvalid = true;
            }
        }

        private void readCorrelationId(JsonCursor cursor, byte value) {
            String id = readString(cursor, value, "correlationId");
            if (id != null && id.length() > MAX_CORRELATION_ID_LENGTH) {
                note("Field 'correlationId' is longer than " + MAX_CORRELATION_ID_LENGTH + " characters");
                id = id.substring(0, MAX_CORRELATION_ID_LENGTH);
            }
            correlationId = id;
        }

        private void readTimeout(JsonCursor cursor, byte value) {
            if (value == JsonCursor.INTEGER && cursor.integerSize() != JsonCursor.BIG) {
                timeoutMs = cursor.longValue();
            } else if (value != JsonCursor.NULL) {
                cursor.skipChildren();
                note("Field 'timeoutMs' must be an integer number of milliseconds");
            }
        }

        private void readPayload(JsonCursor cursor, byte value) {
            int start = cursor.tokenStart();
            inspection = null;
            MessageType type = typeCode < 0 || typeInvalid ? null : MessageType.fromCode(typeCode);
            if (inspector != null && type != null && subject != null) {
                inspection = inspector.inspect(type, subject, cursor);
                inspectedType = type;
                inspectedSubject = subject;
            }
            if (inspection == null) { // otherwise the inspector has read the value to its last token
                cursor.skipChildren();
            }
            payloadOffset = start;
            payloadLength = cursor.tokenEnd() - start;
        }

        private String readString(JsonCursor cursor, byte value, String field) {
            if (value == JsonCursor.STRING) {
                return cursor.text();
            }
            if (value != JsonCursor.NULL) {
                cursor.skipChildren();
                note("Field '" + field + "' must be a string");
            }
            return null;
        }

        private void note(String message) {
            if (problem == null) {
                problem = message;
            }
        }

        private EnvelopeDecodeException fail(String message) {
            return new EnvelopeDecodeException(ErrorCode.INVALID_MESSAGE, message, correlationId, subject);
        }
    }
}
