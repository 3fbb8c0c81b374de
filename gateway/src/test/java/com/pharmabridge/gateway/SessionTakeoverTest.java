package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** One session per device id (PROTOCOL.md, Authentication): a newer successful login closes the older one with 4001. */
class SessionTakeoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("take-sealer-1", "sealer", "line1")
                .device("take-sealer-2", "sealer", "line1")
                .device("take-sealer-3", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    @Test
    void secondLoginOfSameDeviceClosesFirstWith4001AndSecondKeepsWorking() throws Exception {
        try (WsDevice first = gateway.connect("take-sealer-1")) {
            first.send("{\"type\":0,\"subject\":\"telemetry.line1.take\",\"payload\":{\"value\":1},\"correlationId\":\"p1\"}");
            assertThat(first.awaitCorrelation("p1").path("type").asInt()).isEqualTo(6);

            try (WsDevice second = WsDevice.connect(gateway.wsUri())) {
                JsonNode auth = second.authenticate("take-sealer-1", gateway.token("take-sealer-1"));
                assertThat(auth.path("payload").path("success").asBoolean()).isTrue();

                assertThat(first.awaitClose()).isEqualTo(4001);

                second.send("{\"type\":0,\"subject\":\"telemetry.line1.take\",\"payload\":{\"value\":2},\"correlationId\":\"p2\"}");
                JsonNode ack = second.awaitCorrelation("p2");
                assertThat(ack.path("type").asInt()).as("answer %s", ack).isEqualTo(6);
                assertThat(ack.path("payload").path("success").asBoolean()).isTrue();
                assertThat(second.isClosed()).isFalse();

                // The gateway lists the device once, as the newer session.
                JsonNode devices = JSON.readTree(gateway.http("/devices").body());
                int listed = 0;
                for (JsonNode d : devices) {
                    if (d.path("deviceId").asText().equals("take-sealer-1")) {
                        listed++;
                    }
                }
                assertThat(listed).isEqualTo(1);
                assertThat(JSON.readTree(gateway.http("/devices/take-sealer-1").body()).path("messagesIn").asLong())
                        .as("counters of the new session").isEqualTo(2);
            }
        }
    }

    @Test
    void replacedSessionsSubscriptionsEndWithIt() throws Exception {
        try (WsDevice first = gateway.connect("take-sealer-2")) {
            first.send("{\"type\":1,\"subject\":\"x.take\",\"correlationId\":\"s1\"}");
            assertThat(first.awaitCorrelation("s1").path("type").asInt()).isEqualTo(6);
            SubscribeTest.awaitLive(first, nats.observer(), "x.take");

            try (WsDevice second = gateway.connect("take-sealer-2")) {
                assertThat(first.awaitClose()).isEqualTo(4001);
                second.send("{\"type\":1,\"subject\":\"x.other\",\"correlationId\":\"s2\"}");
                assertThat(second.awaitCorrelation("s2").path("type").asInt()).isEqualTo(6);
                SubscribeTest.awaitLive(second, nats.observer(), "x.other");
                nats.observer().publish("x.take", "{\"old\":true}".getBytes(StandardCharsets.UTF_8));
                nats.observer().publish("x.other", "{\"marker\":true}".getBytes(StandardCharsets.UTF_8));
                nats.observer().flush(Duration.ofSeconds(2));
                second.await(SubscribeTest.onSubject("x.other"));
                // The new session did not inherit the old session's subscription.
                second.assertNothing(SubscribeTest.onSubject("x.take"), Duration.ofMillis(300));
                assertThat(JSON.readTree(gateway.http("/devices/take-sealer-2").body()).path("subscriptions"))
                        .isEqualTo(JSON.readTree("[\"x.other\"]"));
            }
        }
    }

    @Test
    void failedLoginWithTheSameDeviceIdDoesNotCloseTheLiveSession() throws Exception {
        try (WsDevice live = gateway.connect("take-sealer-3")) {
            try (WsDevice impostor = WsDevice.connect(gateway.wsUri())) {
                JsonNode answer = impostor.authenticate("take-sealer-3", gateway.token("take-sealer-1"));
                assertThat(answer.path("payload").path("success").asBoolean()).isFalse();
                assertThat(impostor.awaitClose()).isEqualTo(1008);
            }
            live.send("{\"type\":9,\"correlationId\":\"still\"}");
            assertThat(live.awaitCorrelation("still").path("type").asInt()).isEqualTo(10);
            assertThat(live.isClosed()).isFalse();
        }
    }
}
