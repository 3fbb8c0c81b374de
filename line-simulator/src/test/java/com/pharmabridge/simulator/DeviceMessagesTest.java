package com.pharmabridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeDecoder;
import com.pharmabridge.protocol.MessageType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void authCarriesCredentialsAndEquipmentAsDeviceType() throws Exception {
        SimulatedDevice device = new SimulatedDevice("case-packer-line2-01", "to\"ken", Equipment.CASE_PACKER,
                "dublin", "line2");
        JsonNode auth = JSON.readTree(DeviceMessages.auth(device));
        assertThat(auth.path("type").asInt()).isEqualTo(8);
        JsonNode payload = auth.path("payload");
        assertThat(payload.path("deviceId").asText()).isEqualTo("case-packer-line2-01");
        assertThat(payload.path("token").asText()).isEqualTo("to\"ken");
        assertThat(payload.path("deviceType").asText()).isEqualTo("case-packer");
        assertThat(payload.path("protocolVersion").asText()).isEqualTo("1.0");
        assertThat(payload.path("sdkVersion").asText()).isEqualTo("java-sim/0.1");
    }

    @Test
    void publishIsAValidEnvelopeWithPayloadVerbatimAndDeviceTimestamp() {
        String payload = "{\"value\":185.3,\"unit\":\"C\",\"zone\":\"upper\",\"setpoint\":185.0,\"batchId\":\"B1\"}";
        String text = DeviceMessages.publish(new Reading("factory.chicago.line1.blister-sealer.temperature", payload),
                "sealer-1-42", Instant.parse("2026-01-15T10:30:00Z"));
        Envelope envelope = new EnvelopeDecoder().decode(text.getBytes(StandardCharsets.UTF_8));
        assertThat(envelope.type()).isEqualTo(MessageType.PUBLISH);
        assertThat(envelope.subject()).isEqualTo("factory.chicago.line1.blister-sealer.temperature");
        assertThat(envelope.correlationId()).isEqualTo("sealer-1-42");
        assertThat(envelope.timestamp()).isEqualTo("2026-01-15T10:30:00.000Z");
        assertThat(envelope.payloadText()).isEqualTo(payload);
    }
}
