package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies that a gateway shutting down under load answers what it read, closes with 1001 and loses no acked message. */
class GracefulShutdownTest {
    private NatsFixture nats;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "100000")
                .device("sealer-1", "sealer", "line1")
                .device("sealer-2", "sealer", "line1")
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void shutdownUnderLoadClosesWith1001AndEveryAcknowledgedMessageIsStoredExactlyOnce() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<WsDevice> devices = List.of(gateway.connect("sealer-1"), gateway.connect("sealer-2"));
        Set<String> acked = new HashSet<>();
        try {
            for (WsDevice device : devices) {
                pool.submit(() -> {
                    int n = 0;
                    while (!stop.get() && !device.isClosed()) {
                        device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.temperature\",\"payload\":{\"value\":"
                                + n + "},\"correlationId\":\"" + device.hashCode() + "-" + n++ + "\"}");
                    }
                    return null;
                });
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> nats.observer()
                    .jetStreamManagement().getStreamInfo("TELEMETRY").getStreamState().getMsgCount() > 200);
            gateway.server().close();
            for (WsDevice device : devices) {
                assertThat(device.awaitClose()).isEqualTo(1001);
                // Everything the gateway sent arrived before its close frame: collect the Acks.
                while (true) {
                    JsonNode answer;
                    try {
                        answer = device.await(m -> true, Duration.ofMillis(200));
                    } catch (AssertionError noMore) {
                        break;
                    }
                    if (answer.path("type").asInt() == 6) {
                        acked.add(answer.path("correlationId").asText());
                    }
                }
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        Set<String> stored = storedCorrelationIds();
        assertThat(stored).as("every acknowledged message is stored").containsAll(acked);
        Set<String> unacknowledged = new HashSet<>(stored);
        unacknowledged.removeAll(acked);
        assertThat(unacknowledged).as("stored but never acknowledged").isEmpty();
    }

    private Set<String> storedCorrelationIds() throws Exception {
        JetStreamSubscription sub = nats.observer().jetStream().subscribe("telemetry.>",
                PullSubscribeOptions.builder().configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.All).build()).build());
        Set<String> ids = new HashSet<>();
        List<Message> batch;
        while (!(batch = sub.fetch(500, Duration.ofSeconds(1))).isEmpty()) {
            for (Message m : batch) {
                assertThat(ids.add(m.getHeaders().getFirst("Correlation-Id"))).as("stored once").isTrue();
                m.ack();
            }
        }
        return ids;
    }
}
