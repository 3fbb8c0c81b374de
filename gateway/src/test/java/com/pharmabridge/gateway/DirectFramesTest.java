package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.RawWebSocket;
import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a device reads now that sessions write their frames' bytes themselves, gathering one turn of the event loop
 * into one write: checked frame by frame with a raw client (final text frames, unmasked, no reserved bits, each of
 * the three length forms), in order under a burst, fragmented by Vert.x above the frame size, and compressed by
 * Vert.x's permessage-deflate when the device negotiated it.
 */
class DirectFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Small enough that one delivery is larger than a frame may be; messages from devices stay far below it. */
    private static final int MAX_FRAME = 16 * 1024;
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MAX_MESSAGE_SIZE", Integer.toString(MAX_FRAME))
                .with("GATEWAY_MAX_FRAME_SIZE_FACTOR", "1");
        for (int i = 1; i <= 4; i++) {
            gateway.device("frames-" + i, "sealer", "line1");
        }
        gateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    private static RawWebSocket login(String deviceId, String extensions) throws Exception {
        RawWebSocket ws = RawWebSocket.connect(gateway.port(), 0, extensions);
        ws.sendText("{\"type\":8,\"payload\":{\"deviceId\":\"" + deviceId + "\",\"token\":\"" + gateway.token(deviceId)
                + "\"}}");
        return ws;
    }

    /** Reads one whole message (joining fragments, inflating when compressed), checking each frame's form. */
    private static JsonNode readMessage(RawWebSocket ws, List<RawWebSocket.Frame> framesSeen) throws Exception {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean compressed = false;
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            if (frame.opcode() == RawWebSocket.PING || frame.opcode() == 0xA) {
                continue;
            }
            framesSeen.add(frame);
            assertThat(frame.masked()).as("a server never masks").isFalse();
            if (message.size() == 0) {
                assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
                compressed = (frame.rsv() & 4) != 0;
                assertThat(frame.rsv() & 3).isZero();
            } else {
                assertThat(frame.opcode()).isEqualTo(RawWebSocket.CONTINUATION);
                assertThat(frame.rsv()).isZero();
            }
            message.write(frame.payload());
            if (frame.fin()) {
                break;
            }
        }
        byte[] bytes = compressed ? inflate(ws, message.toByteArray()) : message.toByteArray();
        return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    }

    /** One per connection: without no_context_takeover each message may refer back into the ones before. */
    private static final java.util.Map<RawWebSocket, Inflater> INFLATERS = new java.util.IdentityHashMap<>();

    private static byte[] inflate(RawWebSocket ws, byte[] deflated) throws Exception {
        Inflater inflater = INFLATERS.computeIfAbsent(ws, w -> new Inflater(true));
        byte[] input = java.util.Arrays.copyOf(deflated, deflated.length + 4);
        System.arraycopy(new byte[]{0, 0, (byte) 0xFF, (byte) 0xFF}, 0, input, deflated.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (!inflater.needsInput()) {
            int n = inflater.inflate(chunk);
            if (n == 0 && inflater.needsInput()) {
                break;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static void subscribe(RawWebSocket ws, String subject, List<RawWebSocket.Frame> seen) throws Exception {
        assertThat(readMessage(ws, seen).path("payload").path("success").asBoolean()).as("login").isTrue();
        ws.sendText("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"sub\"}");
        JsonNode ack = readMessage(ws, seen);
        assertThat(ack.path("payload").path("message").asText()).isEqualTo("Subscribed");
    }

    /** gateway_messages_sent_total for Message envelopes. */
    private static double messagesSent() throws Exception {
        return gateway.metric("gateway_messages_sent_total{type=\"message\"");
    }

    private static byte[] text(int length) {
        return ("\"" + "x".repeat(length - 2) + "\"").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyLengthFormIsOneFinalUnmaskedTextFrameAndLargerOnesAreFragmented() throws Exception {
        List<RawWebSocket.Frame> frames = new ArrayList<>();
        try (RawWebSocket ws = login("frames-1", "")) {
            subscribe(ws, "commands.line1.frames", frames);
            Connection publisher = nats.observer();
            // Envelopes of under 126 bytes, of 126..65535 (16-bit length) and one above the frame size.
            int[] payloadSizes = {2, 20, 200, 5_000, 15_000, 40_000};
            for (int size : payloadSizes) {
                publisher.publish("commands.line1.frames", text(size));
            }
            publisher.flush(Duration.ofSeconds(5));
            for (int size : payloadSizes) {
                frames.clear();
                JsonNode message = readMessage(ws, frames);
                assertThat(message.path("type").asInt()).isEqualTo(3);
                assertThat(message.path("payload").asText()).hasSize(size - 2);
                if (size < MAX_FRAME - 200) {
                    assertThat(frames).as("payload of %d bytes", size).hasSize(1);
                    assertThat(frames.get(0).fin()).isTrue();
                } else {
                    assertThat(frames).as("payload of %d bytes", size).hasSizeGreaterThan(1);
                    assertThat(frames).allSatisfy(f -> assertThat(f.payload().length).isLessThanOrEqualTo(MAX_FRAME));
                }
            }
        }
    }

    @Test
    void aBurstArrivesWholeAndInOrderToEveryDevice() throws Exception {
        List<RawWebSocket> devices = new ArrayList<>();
        List<RawWebSocket.Frame> seen = new ArrayList<>();
        try {
            for (int i = 2; i <= 3; i++) {
                RawWebSocket ws = login("frames-" + i, "");
                subscribe(ws, "commands.line1.burst", seen);
                devices.add(ws);
            }
            Connection publisher = nats.observer();
            double sentBefore = messagesSent();
            int count = 3_000;
            for (int n = 0; n < count; n++) {
                publisher.publish("commands.line1.burst", ("{\"n\":" + n + ",\"pad\":\"" + "p".repeat(n % 300) + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            publisher.flush(Duration.ofSeconds(5));
            for (RawWebSocket ws : devices) {
                for (int n = 0; n < count; n++) {
                    JsonNode message = readMessage(ws, seen);
                    assertThat(message.path("payload").path("n").asInt()).isEqualTo(n);
                    assertThat(message.path("payload").path("pad").asText()).hasSize(n % 300);
                }
            }
            // Counted once per message for all the devices it went to, so the figure must still be per device.
            assertThat(messagesSent() - sentBefore).isEqualTo((double) count * devices.size());
        } finally {
            for (RawWebSocket ws : devices) {
                ws.close();
            }
        }
    }

    @Test
    void aDeviceThatNegotiatedPermessageDeflateGetsCompressedFrames() throws Exception {
        List<RawWebSocket.Frame> frames = new ArrayList<>();
        try (RawWebSocket ws = login("frames-4", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            assertThat(ws.handshakeResponse()).containsIgnoringCase("permessage-deflate");
            subscribe(ws, "commands.line1.deflate", frames);
            Connection publisher = nats.observer();
            for (int n = 0; n < 50; n++) {
                publisher.publish("commands.line1.deflate", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
            }
            publisher.flush(Duration.ofSeconds(5));
            for (int n = 0; n < 50; n++) {
                frames.clear();
                assertThat(readMessage(ws, frames).path("payload").path("n").asInt()).isEqualTo(n);
                assertThat(frames.get(0).rsv() & 4).as("compressed").isEqualTo(4);
            }
        }
    }
}
