package com.pharmabridge.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadInspectorTest {
    private final EnvelopeDecoder decoder = new EnvelopeDecoder();
    private final List<String> calls = new ArrayList<>();

    /** Reads the payload to its last token and answers with the number of tokens it saw. */
    private final PayloadInspector countTokens = (type, subject, cursor) -> {
        calls.add(type + " " + subject);
        int tokens = 1;
        if (cursor.token() == JsonCursor.START_OBJECT || cursor.token() == JsonCursor.START_ARRAY) {
            int depth = 1;
            while (depth > 0) {
                byte token = cursor.next();
                tokens++;
                if (token == JsonCursor.START_OBJECT || token == JsonCursor.START_ARRAY) {
                    depth++;
                } else if (token == JsonCursor.END_OBJECT || token == JsonCursor.END_ARRAY) {
                    depth--;
                }
            }
        }
        return tokens;
    };

    private Envelope decode(String frame, PayloadInspector inspector) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        return decoder.decode(bytes, 0, bytes.length, inspector);
    }

    @Test
    void seesThePayloadOnceWhenTypeAndSubjectComeFirstAndKeepsTheEnvelopeAsItWas() {
        String frame = "{\"type\":0,\"subject\":\"a.b\",\"payload\":{\"v\":[1,{\"w\":2}]},\"correlationId\":\"c\"}";
        Envelope inspected = decode(frame, countTokens);
        Envelope plain = decode(frame, null);
        assertThat(calls).containsExactly("PUBLISH a.b");
        assertThat(inspected.inspection()).isEqualTo(10); // { "v" [ 1 { "w" 2 } ] }
        assertThat(inspected.payloadText()).isEqualTo(plain.payloadText()).isEqualTo("{\"v\":[1,{\"w\":2}]}");
        assertThat(inspected.correlationId()).isEqualTo("c");
        assertThat(plain.inspection()).isNull();
    }

    @Test
    void isNotAskedWhenTypeOrSubjectFollowThePayload() {
        assertThat(decode("{\"subject\":\"a.b\",\"payload\":{},\"type\":0}", countTokens).inspection()).isNull();
        assertThat(decode("{\"type\":0,\"payload\":{},\"subject\":\"a.b\"}", countTokens).inspection()).isNull();
        assertThat(calls).isEmpty();
    }

    @Test
    void itsFindingIsDroppedWhenALaterFieldChangesTypeOrSubject() {
        assertThat(decode("{\"type\":0,\"subject\":\"a.b\",\"payload\":{},\"subject\":\"c.d\"}", countTokens)
                .inspection()).isNull();
        assertThat(decode("{\"type\":0,\"subject\":\"a.b\",\"payload\":{},\"type\":4}", countTokens)
                .inspection()).isNull();
        // A repeated payload is inspected again; the last one counts, as for the payload itself.
        Envelope twice = decode("{\"type\":0,\"subject\":\"a.b\",\"payload\":{},\"payload\":[1,2]}", countTokens);
        assertThat(twice.inspection()).isEqualTo(4);
        assertThat(twice.payloadText()).isEqualTo("[1,2]");
    }

    @Test
    void anInspectorThatDeclinesLeavesThePayloadToTheDecoder() {
        Envelope envelope = decode("{\"type\":0,\"subject\":\"a.b\",\"payload\":{\"x\":[1,2]},\"correlationId\":\"c\"}",
                (type, subject, parser) -> null);
        assertThat(envelope.inspection()).isNull();
        assertThat(envelope.payloadText()).isEqualTo("{\"x\":[1,2]}");
        assertThat(envelope.correlationId()).isEqualTo("c");
    }

    @Test
    void brokenJsonInThePayloadIsRefusedAsWithoutAnInspector() {
        String frame = "{\"type\":0,\"subject\":\"a.b\",\"correlationId\":\"c\",\"payload\":{\"x\":[1,}}";
        String plain = catchMessage(() -> decode(frame, null));
        assertThatThrownBy(() -> decode(frame, countTokens)).isInstanceOf(EnvelopeDecodeException.class)
                .hasMessage(plain);
    }

    private static String catchMessage(Runnable decode) {
        try {
            decode.run();
        } catch (EnvelopeDecodeException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a refusal");
    }
}
