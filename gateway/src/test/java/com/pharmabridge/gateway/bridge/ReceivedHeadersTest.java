package com.pharmabridge.gateway.bridge;

import io.nats.client.impl.Headers;
import io.nats.client.support.IncomingHeadersProcessor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's own reading of a NATS header block answers as jnats' Headers would. */
class ReceivedHeadersTest {

    @Test
    void readsValuesAsJnatsDoesForGeneratedHeaderBlocks() {
        Random random = new Random(8);
        String[] keys = {"Device-Id", "Device-Id-Type", "Device", "Nats-Msg-Id", "Reply-Subject", "X", "Multi", "a-b_c"};
        for (int round = 0; round < 5_000; round++) {
            Headers sent = new Headers();
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                sent.add(keys[random.nextInt(keys.length)], value(random));
            }
            byte[] block = sent.isEmpty() ? "NATS/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : sent.getSerialized();
            Headers jnats = new IncomingHeadersProcessor(block).getHeaders();
            ReceivedHeaders ours = ReceivedHeaders.of(block);
            for (String key : keys) {
                List<String> expected = jnats == null || jnats.get(key) == null ? List.of() : jnats.get(key);
                assertThat(ours.all(key)).as("%s in %s", key, new String(block, StandardCharsets.US_ASCII))
                        .isEqualTo(expected);
                assertThat(ours.first(key)).isEqualTo(jnats == null ? null : jnats.getFirst(key));
            }
        }
    }

    /** Blocks jnats accepts from any publisher, with blanks and control characters where it trims them. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"NATS/1.0\r\nDevice-Id :dev-1\r\n\r\n",
            "NATS/1.0\r\n\tDevice-Id:dev-1\r\n\r\n", "NATS/1.0\r\nDevice-Id:dev-1\u000b\r\n\r\n",
            "NATS/1.0\r\nDevice-Id:\u0000dev-1\r\n\r\n", "NATS/1.0\r\nDevice-Id:dev-1\u001f\r\n\r\n",
            "NATS/1.0\r\nReply-Subject: _INBOX.abc\u000b\r\n\r\n", "NATS/1.0\r\nDevice-Id:\t \r\n\r\n",
            "NATS/1.0\r\nX:a:b\r\nDevice-Id::x\r\n\r\n"})
    void answersAsJnatsWhereItTrimsKeysAndValues(String block) {
        byte[] bytes = block.getBytes(StandardCharsets.ISO_8859_1);
        Headers jnats = new IncomingHeadersProcessor(bytes).getHeaders();
        for (String key : new String[]{"Device-Id", "Reply-Subject", "X"}) {
            assertThat(ReceivedHeaders.of(bytes).first(key)).as(key).isEqualTo(jnats.getFirst(key));
        }
    }

    @Test
    void skipsTheStatusLineAndLinesWithoutAColon() {
        ReceivedHeaders headers = ReceivedHeaders.of(
                "NATS/1.0 503 No Responders\r\nnonsense\r\nDevice-Id:  sealer-1 \t\r\nDevice-Id:second\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        assertThat(headers.first("Device-Id")).isEqualTo("sealer-1");
        assertThat(headers.all("Device-Id")).containsExactly("sealer-1", "second");
        assertThat(headers.first("NATS/1.0 503 No Responders")).isNull();
        assertThat(headers.first("nonsense")).isNull();
        assertThat(headers.first("device-id")).as("keys match exactly, as jnats' getFirst").isNull();
    }

    @Test
    void aTruncatedBlockOrNoneAnswersNothingInsteadOfFailing() {
        assertThat(ReceivedHeaders.of(null)).isNull();
        assertThat(ReceivedHeaders.of(new byte[0]).first("Device-Id")).isNull();
        assertThat(ReceivedHeaders.of("NATS/1.0".getBytes(StandardCharsets.US_ASCII)).first("Device-Id")).isNull();
        assertThat(ReceivedHeaders.of("NATS/1.0\r\nDevice-Id:x".getBytes(StandardCharsets.US_ASCII)).first("Device-Id"))
                .isEqualTo("x");
        assertThat(ReceivedHeaders.of("NATS/1.0\r\nDevice-Id:".getBytes(StandardCharsets.US_ASCII)).first("Device-Id"))
                .isEmpty();
    }

    private static String value(Random random) {
        String alphabet = "abcXYZ019-_.:/ \t\u000b\u0001";
        int length = 1 + random.nextInt(12);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString().strip().isEmpty() ? "v" : out.toString();
    }
}
