package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Verifies that the gateway outlives NATS: refuses with UNAVAILABLE while it is gone and recovers by itself. */
class NatsOutageTest {
    private NatsFixture nats;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("sealer-1", "sealer", "line1")
                .device("hmi-1", "hmi", "line1")
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void connectedDeviceGetsUnavailableDuringOutageAndWorksAgainAfterNatsRestarts() throws Exception {
        try (WsDevice sealer = gateway.connect("sealer-1"); WsDevice hmi = gateway.connect("hmi-1")) {
            sealer.send("{\"type\":1,\"subject\":\"commands.line1.start\",\"correlationId\":\"sub\"}");
            assertThat(sealer.awaitCorrelation("sub").path("type").asInt()).isEqualTo(6);
            publish(sealer, "before");
            assertThat(sealer.awaitCorrelation("before").path("payload").path("stream").asText()).isEqualTo("TELEMETRY");

            nats.server().stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.server().bridge().isConnected());
            assertThat(gateway.http("/ready").statusCode()).isEqualTo(503);

            publish(sealer, "during");
            JsonNode refused = sealer.awaitCorrelation("during");
            assertThat(refused.path("type").asInt()).isEqualTo(7);
            assertThat(refused.path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
            // The connection itself stays up: keep-alives are answered.
            sealer.send("{\"type\":9}");
            sealer.awaitType(10);

            nats.server().start();
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.server().bridge().isReady());
            assertThat(gateway.http("/ready").statusCode()).isEqualTo(200);

            publish(sealer, "after");
            JsonNode ack = sealer.awaitCorrelation("after");
            assertThat(ack.path("type").asInt()).isEqualTo(6);
            assertThat(ack.path("payload").path("stream").asText()).isEqualTo("TELEMETRY");
            // The core subscription was re-established on the new connection: a command still arrives.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                hmi.send("{\"type\":0,\"subject\":\"commands.line1.start\",\"payload\":{\"action\":\"start\"}}");
                JsonNode command = sealer.await(m -> m.path("type").asInt() == 3, Duration.ofMillis(500));
                assertThat(command.path("deviceId").asText()).isEqualTo("hmi-1");
            });
            // What was acknowledged before the outage survived it (same store).
            assertThat(nats.observer().jetStreamManagement().getStreamInfo("TELEMETRY").getStreamState().getMsgCount())
                    .isEqualTo(2);
        }
    }

    @Test
    void gatewayStartedWhileNatsIsDownServesDevicesAndConnectsWhenNatsComesUp() throws Exception {
        nats.server().stop();
        try (GatewayFixture early = new GatewayFixture(nats.url()).device("early-1", "sealer", "line1")
                .startWithoutWaiting()) {
            assertThat(early.http("/health").statusCode()).isEqualTo(200);
            assertThat(early.http("/ready").statusCode()).isEqualTo(503);
            assertThat(early.http("/ready").body()).contains("NATS not connected");
            try (WsDevice device = early.connect("early-1")) {
                publish(device, "too-early");
                assertThat(device.awaitCorrelation("too-early").path("payload").path("code").asText())
                        .isEqualTo("UNAVAILABLE");
                nats.server().start();
                await().atMost(Duration.ofSeconds(20)).until(() -> early.server().bridge().isReady());
                publish(device, "in-time");
                assertThat(device.awaitCorrelation("in-time").path("payload").path("stream").asText())
                        .isEqualTo("TELEMETRY");
            }
        }
    }

    private static void publish(WsDevice device, String correlationId) throws Exception {
        device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.temperature\",\"payload\":{\"value\":185.1},"
                + "\"correlationId\":\"" + correlationId + "\"}");
    }
}
