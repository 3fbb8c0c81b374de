package com.pharmabridge.gateway;

import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Messages that name no batch get their line's running batch as Batch-Id, followed from batch events. */
class BatchAssociationTest {
    private final AtomicInteger sequence = new AtomicInteger();

    @Test
    void messagesWithoutABatchBelongToTheirLinesRunningBatchAcrossARestart() throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            GatewayFixture gateway = fixture(nats).start();
            Map<String, String> tokens = Map.of("sealer-1", gateway.token("sealer-1"), "mes-1", gateway.token("mes-1"));
            try (WsDevice sealer = gateway.connect("sealer-1"); WsDevice other = gateway.connect("sealer-2");
                 WsDevice mes = gateway.connect("mes-1")) {
                Message before = publishAndRead(nats, sealer, "factory.chicago.line1.sealer.t", "{\"value\":1}");
                assertThat(header(before, "Batch-Id")).isNull();

                publish(mes, "batch.B7.start", "{\"batchId\":\"B7\",\"line\":\"line1\",\"plant\":\"chicago\"}");
                Message during = await().atMost(Duration.ofSeconds(10)).until(
                        () -> publishAndRead(nats, sealer, "factory.chicago.line1.sealer.t", "{\"value\":2}"),
                        m -> "B7".equals(header(m, "Batch-Id")));
                assertThat(header(during, "Batch-Id-Source")).isEqualTo("line");

                Message own = publishAndRead(nats, sealer, "factory.chicago.line1.sealer.t",
                        "{\"value\":3,\"batchId\":\"X1\"}");
                assertThat(header(own, "Batch-Id")).isEqualTo("X1");
                assertThat(header(own, "Batch-Id-Source")).isNull();

                Message otherLine = publishAndRead(nats, other, "factory.chicago.line2.sealer.t", "{\"value\":4}");
                assertThat(header(otherLine, "Batch-Id")).isNull();

                // A device of line1 cannot start a batch on line2, nor write into the audit trail.
                mes.send("{\"type\":0,\"subject\":\"batch.EVIL.start\",\"payload\":{\"batchId\":\"EVIL\","
                        + "\"line\":\"line2\"},\"correlationId\":\"evil\"}");
                assertThat(mes.awaitCorrelation("evil").path("payload").path("code").asText()).isEqualTo("NOT_AUTHORIZED");
                mes.send("{\"type\":0,\"subject\":\"audit.gw-test\",\"payload\":{\"seq\":1},\"correlationId\":\"forge\"}");
                assertThat(mes.awaitCorrelation("forge").path("payload").path("code").asText()).isEqualTo("NOT_AUTHORIZED");
            }
            gateway.close();

            GatewayFixture restarted = fixture(nats);
            restarted.saveRegistry(gateway.registry());
            restarted.start();
            // Same registry, same tokens: the devices log in to the new gateway as before.
            try (WsDevice sealer = WsDevice.connect(restarted.wsUri()); WsDevice mes = WsDevice.connect(restarted.wsUri())) {
                sealer.authenticate("sealer-1", tokens.get("sealer-1"));
                mes.authenticate("mes-1", tokens.get("mes-1"));
                Message recovered = await().atMost(Duration.ofSeconds(10)).until(
                        () -> publishAndRead(nats, sealer, "factory.chicago.line1.sealer.t", "{\"value\":5}"),
                        m -> "B7".equals(header(m, "Batch-Id")));
                assertThat(header(recovered, "Batch-Id-Source")).isEqualTo("line");

                publish(mes, "batch.B7.complete", "{\"batchId\":\"B7\",\"line\":\"line1\",\"plant\":\"chicago\"}");
                await().atMost(Duration.ofSeconds(10)).until(
                        () -> publishAndRead(nats, sealer, "factory.chicago.line1.sealer.t", "{\"value\":6}"),
                        m -> header(m, "Batch-Id") == null);
            }
            restarted.close();
        }
    }

    private static GatewayFixture fixture(NatsFixture nats) throws Exception {
        return new GatewayFixture(nats.url())
                .type(new DeviceType("mes", List.of("batch.>", "audit.>"), List.of(), List.of()))
                .device("sealer-1", "sealer", Map.of("plant", "chicago", "line", "line1"))
                .device("sealer-2", "sealer", Map.of("plant", "chicago", "line", "line2"))
                .device("mes-1", "mes", Map.of("plant", "chicago", "line", "line1"));
    }

    private void publish(WsDevice device, String subject, String payload) throws Exception {
        String id = "c" + sequence.incrementAndGet();
        device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":" + payload + ",\"correlationId\":\""
                + id + "\"}");
        assertThat(device.awaitCorrelation(id).path("type").asInt()).as("acked").isEqualTo(6);
    }

    // Publishes and returns the stored message (the last on the subject).
    private Message publishAndRead(NatsFixture nats, WsDevice device, String subject, String payload) throws Exception {
        publish(device, subject, payload);
        List<Message> stored = StoredMessages.all(nats.observer(), subject);
        return stored.get(stored.size() - 1);
    }

    private static String header(Message m, String name) {
        return m.getHeaders() == null ? null : m.getHeaders().getFirst(name);
    }
}
