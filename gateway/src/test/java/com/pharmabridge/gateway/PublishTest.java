package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Publish (0) end to end: through a real gateway into a real nats-server with JetStream. */
class PublishTest {
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("sealer-1", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void acknowledgedPublishIsStoredInJetStreamWithAttributionHeadersAndExactPayload() throws Exception {
        try (WsDevice device = gateway.connect("sealer-1")) {
            String payload = "{ \"value\" : 185.50, \"unit\":\"C\",\n \"batchId\":\"B2024-001\" }";
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.temperature\",\"payload\":" + payload
                    + ",\"correlationId\":\"msg-1\",\"timestamp\":\"2026-01-15T10:29:59.950Z\",\"deviceId\":\"forged\"}");
            JsonNode ack = device.awaitCorrelation("msg-1");
            assertThat(ack.path("type").asInt()).isEqualTo(6);
            assertThat(ack.path("payload").path("success").asBoolean()).isTrue();
            assertThat(ack.path("payload").path("stream").asText()).isEqualTo("TELEMETRY");
            long seq = ack.path("payload").path("seq").asLong();
            assertThat(seq).isPositive();
            assertThat(ack.path("payload").path("duplicate").asBoolean()).isFalse();

            io.nats.client.api.MessageInfo stored = nats.observer().jetStreamManagement().getMessage("TELEMETRY", seq);
            assertThat(new String(stored.getData(), StandardCharsets.UTF_8)).isEqualTo(payload);
            assertThat(stored.getHeaders().getFirst("Device-Id")).isEqualTo("sealer-1");
            assertThat(stored.getHeaders().getFirst("Device-Type")).isEqualTo("sealer");
            assertThat(stored.getHeaders().getFirst("Gateway-Id")).isEqualTo("gw-test");
            assertThat(stored.getHeaders().getFirst("Batch-Id")).isEqualTo("B2024-001");
            assertThat(stored.getHeaders().getFirst("Device-Timestamp")).isEqualTo("2026-01-15T10:29:59.950Z");
            assertThat(stored.getHeaders().getFirst("Correlation-Id")).isEqualTo("msg-1");
            assertThat(stored.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo("sealer-1:msg-1");
            assertThat(stored.getHeaders().getFirst("Received-At")).isNotBlank();
            assertThat(stored.getHeaders().getFirst("Payload-SHA256")).hasSize(64);
        }
    }

    @Test
    void retriedPublishIsStoredOnceAndAcknowledgedAsDuplicate() throws Exception {
        try (WsDevice device = gateway.connect("sealer-1")) {
            String message = "{\"type\":0,\"subject\":\"telemetry.line1.sealer.pressure\",\"payload\":{\"value\":4.2},"
                    + "\"correlationId\":\"retry-1\"}";
            device.send(message);
            JsonNode first = device.awaitCorrelation("retry-1");
            device.send(message);
            JsonNode second = device.awaitCorrelation("retry-1");
            assertThat(first.path("payload").path("duplicate").asBoolean()).isFalse();
            assertThat(second.path("payload").path("duplicate").asBoolean()).isTrue();
            assertThat(second.path("payload").path("seq").asLong()).isEqualTo(first.path("payload").path("seq").asLong());
            StreamInfo info = nats.observer().jetStreamManagement().getStreamInfo("TELEMETRY");
            long stored = nats.observer().jetStreamManagement()
                    .getStreamInfo("TELEMETRY", io.nats.client.api.StreamInfoOptions.filterSubjects(
                            "telemetry.line1.sealer.pressure")).getStreamState().getSubjects().get(0).getCount();
            assertThat(stored).isEqualTo(1);
            assertThat(info.getStreamState().getMsgCount()).isPositive();
        }
    }

    @Test
    void forbiddenPublishIsRefusedAndNeverReachesNats() throws Exception {
        Subscription everything = nats.observer().subscribe(">");
        nats.observer().flush(Duration.ofSeconds(2));
        try (WsDevice device = gateway.connect("sealer-1")) {
            device.send("{\"type\":0,\"subject\":\"telemetry.line2.sealer.temperature\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"forbidden\"}");
            JsonNode error = device.awaitCorrelation("forbidden");
            assertThat(error.path("type").asInt()).isEqualTo(7);
            assertThat(error.path("payload").path("code").asText()).isEqualTo("NOT_AUTHORIZED");
            // A later allowed message proves the pipeline ran past the refused one.
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.marker\",\"payload\":{\"value\":2},"
                    + "\"correlationId\":\"marker\"}");
            device.awaitCorrelation("marker");
            boolean sawMarker = false;
            Message m;
            while ((m = everything.nextMessage(Duration.ofSeconds(2))) != null) {
                assertThat(m.getSubject()).isNotEqualTo("telemetry.line2.sealer.temperature");
                if (m.getSubject().equals("telemetry.line1.sealer.marker")) {
                    sawMarker = true;
                    break;
                }
            }
            assertThat(sawMarker).isTrue();
        } finally {
            everything.unsubscribe();
        }
    }
}
