package com.pharmabridge.gateway;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** WebSocket-level behaviour seen by clients that misbehave below the JSON protocol. */
class WebSocketLimitsTest {
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MAX_MESSAGE_SIZE", "4096")
                .with("GATEWAY_PING_INTERVAL_SECONDS", "1")
                .with("GATEWAY_PING_TIMEOUT_SECONDS", "1")
                .device("sealer-1", "sealer", "line1")
                .device("sealer-2", "sealer", "line1")
                .device("sealer-3", "sealer", "line1")
                .device("sealer-4", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    private static RawWebSocket authenticated(String deviceId) throws Exception {
        RawWebSocket ws = RawWebSocket.connect(gateway.port());
        ws.sendText("{\"type\":8,\"payload\":{\"deviceId\":\"" + deviceId + "\",\"token\":\"" + gateway.token(deviceId) + "\"}}");
        RawWebSocket.Frame answer = ws.readFrame();
        assertThat(answer.text()).contains("\"success\":true");
        return ws;
    }

    @Test
    void deviceThatNeverAnswersPingsIsDisconnected() throws Exception {
        try (RawWebSocket ws = authenticated("sealer-1")) {
            boolean sawPing = false;
            RawWebSocket.Frame frame;
            while ((frame = ws.readFrame()).opcode() != RawWebSocket.CLOSE) {
                sawPing |= frame.opcode() == RawWebSocket.PING;
            }
            assertThat(sawPing).isTrue();
            assertThat(frame.closeCode()).isEqualTo(1001);
        }
    }

    @Test
    void frameFarBeyondTheMessageLimitClosesWith1009() throws Exception {
        try (RawWebSocket ws = authenticated("sealer-2")) {
            ws.announceFrame(RawWebSocket.TEXT, 4096L * 4 + 1);
            RawWebSocket.Frame close = ws.readUntilClose();
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void oversizedMessageIsRefusedWithItsCorrelationIdAndTheConnectionStaysUsable() throws Exception {
        try (RawWebSocket ws = authenticated("sealer-4")) {
            String big = "{\"type\":0,\"correlationId\":\"big-1\",\"subject\":\"telemetry.line1.x\",\"payload\":\""
                    + "x".repeat(5000) + "\"}";
            ws.sendFrame(RawWebSocket.TEXT, false, big.substring(0, 3000).getBytes());
            ws.sendFrame(RawWebSocket.CONTINUATION, true, big.substring(3000).getBytes());
            String answer = nextText(ws);
            assertThat(answer).contains("PAYLOAD_TOO_LARGE").contains("\"correlationId\":\"big-1\"");
            ws.sendText("{\"type\":9,\"correlationId\":\"p\"}");
            assertThat(nextText(ws)).contains("\"type\":10");
        }
    }

    @Test
    void secondGatewayOnATakenPortFailsWithAClearMessage() throws Exception {
        GatewayFixture second = new GatewayFixture(nats.url()).with("GATEWAY_PORT", Integer.toString(gateway.port()));
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(second::startWithoutWaiting)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(":" + gateway.port()).hasMessageContaining("port is in use");
        } finally {
            second.close();
        }
    }

    private static String nextText(RawWebSocket ws) throws Exception {
        RawWebSocket.Frame frame;
        do {
            frame = ws.readFrame();
        } while (frame.opcode() == RawWebSocket.PING);
        return frame.text();
    }

    @Test
    void continuationWithoutAStartIsRefusedAndTheConnectionStaysUsable() throws Exception {
        try (RawWebSocket ws = authenticated("sealer-3")) {
            ws.sendFrame(RawWebSocket.CONTINUATION, true, "{\"type\":9}".getBytes());
            RawWebSocket.Frame answer = ws.readFrame();
            // Netty may treat a stray continuation as a protocol error and close; otherwise we refuse it with a code.
            if (answer.opcode() == RawWebSocket.CLOSE) {
                assertThat(answer.closeCode()).isIn(1002, 1008);
            } else {
                assertThat(answer.text()).contains("INVALID_MESSAGE");
                ws.sendText("{\"type\":9}");
                RawWebSocket.Frame pong;
                do {
                    pong = ws.readFrame();
                } while (pong.opcode() == RawWebSocket.PING);
                assertThat(pong.text()).contains("\"type\":10");
            }
        }
    }
}
