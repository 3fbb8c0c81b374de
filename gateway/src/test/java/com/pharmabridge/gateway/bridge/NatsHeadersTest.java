package com.pharmabridge.gateway.bridge;

import io.nats.client.impl.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NatsHeadersTest {

    @Test
    void serialisesByteForByteAsJnatsDoes() {
        NatsHeaders ours = new NatsHeaders().put("Device-Id", "sealer-1");
        Headers theirs = new Headers().put("Device-Id", "sealer-1");
        assertThat(serialised(ours)).isEqualTo(new String(theirs.getSerialized(), StandardCharsets.US_ASCII));
        assertThat(ours.serializedLength()).isEqualTo(theirs.serializedLength());
    }

    @Test
    void manyHeadersKeepTheirOrderAndLengthAndConvertToJnats() {
        NatsHeaders ours = new NatsHeaders()
                .put("Device-Id", "sealer-1").put("Received-At", "2026-12-03T19:00:00.123Z")
                .put("Batch-Id", "B1").put("Nats-Msg-Id", "sealer-1:c-1").put("Payload-SHA256", "ab".repeat(32));
        String text = serialised(ours);
        assertThat(text).isEqualTo("NATS/1.0\r\nDevice-Id:sealer-1\r\nReceived-At:2026-12-03T19:00:00.123Z\r\n"
                + "Batch-Id:B1\r\nNats-Msg-Id:sealer-1:c-1\r\nPayload-SHA256:" + "ab".repeat(32) + "\r\n\r\n");
        assertThat(ours.serializedLength()).isEqualTo(text.length());
        Headers jnats = ours.toJnats();
        assertThat(jnats.getFirst("Batch-Id")).isEqualTo("B1");
        assertThat(jnats.serializedLength()).isEqualTo(ours.serializedLength());
    }

    @Test
    void putReplacesAnEarlierValueAndKeepsTheLengthRight() {
        NatsHeaders headers = new NatsHeaders().put("Nats-Msg-Id", "a").put("Batch-Id", "B1")
                .put(new String("Nats-Msg-Id".toCharArray()), "longer"); // an equal key, not the same String
        assertThat(headers.get("Nats-Msg-Id")).isEqualTo("longer");
        assertThat(headers.serializedLength()).isEqualTo(serialised(headers).length());
        assertThat(serialised(headers)).containsOnlyOnce("Nats-Msg-Id");
    }

    @Test
    void valuesThatWouldBreakTheFramingAreRefused() {
        assertThatThrownBy(() -> new NatsHeaders().put("Batch-Id", "B1\r\nX-Forged:1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NatsHeaders().put("Batch-Id", "Bé")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void growsBeyondItsInitialRoom() {
        NatsHeaders headers = new NatsHeaders();
        for (int i = 0; i < 30; i++) {
            headers.put("K" + i, "v" + i);
        }
        assertThat(headers.get("K29")).isEqualTo("v29");
        assertThat(headers.serializedLength()).isEqualTo(serialised(headers).length());
    }

    private static String serialised(NatsHeaders headers) {
        ByteBuf out = Unpooled.buffer();
        headers.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
