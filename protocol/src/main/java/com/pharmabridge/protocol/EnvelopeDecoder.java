package com.pharmabridge.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;

/**
 * Reads a device frame into an {@link Envelope} with Jackson's streaming parser. The payload is validated as JSON
 * (the parser walks it) but never materialised; its byte range in the frame is kept instead. Thread-safe.
 */
public final class EnvelopeDecoder {
    public static final int MAX_CORRELATION_ID_LENGTH = 128;
    /** Nesting deeper than this is refused: it is never real equipment data and costs stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    private final JsonFactory factory;

    public EnvelopeDecoder() {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(1000)
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    public JsonFactory jsonFactory() {
        return factory;
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
        FieldReader reader = new FieldReader(frame, offset, length, inspector);
        // Only UTF-8 is legal. Jackson picks UTF-16/32 (and loses byte offsets) from NUL bytes or a byte-order mark
        // in the first four bytes, so the frame must open with '{' and have no NUL there.
        int first = Utf8.skipWhitespace(frame, offset, length);
        if (first >= offset + length || frame[first] != '{' || hasNulInFirstFour(frame, offset, length)) {
            throw new EnvelopeDecodeException(ErrorCode.INVALID_MESSAGE, "Message must be a JSON object in UTF-8", null, null);
        }
        try (JsonParser parser = factory.createParser(frame, offset, length)) {
            return reader.read(parser);
        } catch (EnvelopeDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new EnvelopeDecodeException(ErrorCode.INVALID_MESSAGE, "Message is not valid JSON: " + shortReason(e),
                    reader.correlationId, reader.subject);
        }
    }

    private static boolean hasNulInFirstFour(byte[] frame, int offset, int length) {
        for (int i = offset; i < offset + Math.min(4, length); i++) {
            if (frame[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** The parser's own words, without its source excerpts and internals: devices see this text. */
    private static String shortReason(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
            String reason = json.getOriginalMessage();
            int detail = reason == null ? -1 : reason.indexOf(':');
            String brief = detail > 0 ? reason.substring(0, detail) : reason;
            int internals = brief == null ? -1 : brief.indexOf(", from `");
            if (internals > 0) {
                brief = brief.substring(0, internals) + ")"; // the library's own setting names stay in the library
            }
            long offset = json.getLocation() == null ? -1 : json.getLocation().getByteOffset();
            return (brief == null ? "syntax error" : brief) + (offset >= 0 ? " (at byte " + offset + ")" : "");
        }
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        String firstLine = newline >= 0 ? message.substring(0, newline) : message;
        return firstLine.length() > 200 ? firstLine.substring(0, 200) : firstLine;
    }

    /** One decode's state, so the error path can still report the correlation id read so far. */
    private static final class FieldReader {
        private final byte[] frame;
        private final int base;
        private final int frameLength;
        String correlationId;
        String subject;
        private Integer typeCode;
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

        FieldReader(byte[] frame, int base, int frameLength, PayloadInspector inspector) {
            this.inspector = inspector;
            this.frame = frame;
            this.base = base;
            this.frameLength = frameLength;
        }

        Envelope read(JsonParser parser) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw fail("Message must be a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type" -> readType(parser, value);
                    case "subject" -> subject = readString(parser, value, "subject");
                    case "correlationId" -> readCorrelationId(parser, value);
                    case "timestamp" -> timestamp = readString(parser, value, "timestamp");
                    case "replyTo" -> replyTo = readString(parser, value, "replyTo");
                    case "ackId" -> ackId = readString(parser, value, "ackId");
                    case "timeoutMs" -> readTimeout(parser, value);
                    case "payload" -> readPayload(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw fail("Message is not a complete JSON object");
            }
            if (parser.nextToken() != null) {
                throw fail("Unexpected data after the JSON object");
            }
            if (problem == null) {
                if (typeCode == null && !typeInvalid) {
                    problem = "Missing field 'type'";
                } else if (typeInvalid || MessageType.fromCode(typeCode) == null) {
                    problem = "Unknown message type";
                }
            }
            if (problem == null && !Utf8.isValidJsonText(frame, base, frameLength)) {
                // Jackson decodes only the strings it reads; skipped ones must not carry invalid bytes onward.
                problem = "Message is not valid UTF-8 JSON text";
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

        private void readType(JsonParser parser, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                typeCode = parser.getIntValue();
                typeInvalid = false;
            } else {
                parser.skipChildren();
                typeCode = null;
                typeInvalid = true;
            }
        }

        private void readCorrelationId(JsonParser parser, JsonToken value) throws IOException {
            String id = readString(parser, value, "correlationId");
            if (id != null && id.length() > MAX_CORRELATION_ID_LENGTH) {
                note("Field 'correlationId' is longer than " + MAX_CORRELATION_ID_LENGTH + " characters");
                id = id.substring(0, MAX_CORRELATION_ID_LENGTH);
            }
            correlationId = id;
        }

        private void readTimeout(JsonParser parser, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                timeoutMs = parser.getLongValue();
            } else if (value != JsonToken.VALUE_NULL) {
                parser.skipChildren();
                note("Field 'timeoutMs' must be an integer number of milliseconds");
            }
        }

        private void readPayload(JsonParser parser, JsonToken value) throws IOException {
            int start = (int) parser.currentTokenLocation().getByteOffset();
            inspection = null;
            MessageType type = typeCode == null || typeInvalid ? null : MessageType.fromCode(typeCode);
            if (inspector != null && type != null && subject != null) {
                inspection = inspector.inspect(type, subject, parser);
                inspectedType = type;
                inspectedSubject = subject;
            }
            if (inspection == null) { // otherwise the inspector has read the value to its last token
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    parser.finishToken();
                }
            }
            int end = (int) parser.currentLocation().getByteOffset();
            // Numbers and literals end where the parser stopped; step back over any delimiter it already consumed.
            int absoluteStart = base + start;
            int absoluteEnd = base + end;
            while (absoluteEnd > absoluteStart && isDelimiter(frame[absoluteEnd - 1])) {
                absoluteEnd--;
            }
            payloadOffset = absoluteStart;
            payloadLength = absoluteEnd - absoluteStart;
        }

        private static boolean isDelimiter(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',';
        }

        private String readString(JsonParser parser, JsonToken value, String field) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            if (value != JsonToken.VALUE_NULL) {
                parser.skipChildren();
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
