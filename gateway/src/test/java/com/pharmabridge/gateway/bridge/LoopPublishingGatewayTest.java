package com.pharmabridge.gateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.ConfiguredNats;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway publishing over its event loops' own NATS connections: what devices are told when JetStream does not
 * confirm, NATS with user/password and token, wrong credentials, the jnats path when switched off, and device values
 * that must never reach the NATS text protocol.
 */
class LoopPublishingGatewayTest {
    private static final String SUBJECT = "telemetry.line1.sealer.temperature";
    private ConfiguredNats nats;
    private GatewayFixture gateway;
    private Connection observer;

    @AfterEach
    void stop() throws Exception {
        if (observer != null) {
            observer.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private GatewayFixture gateway(String natsUrl, String... overrides) throws Exception {
        gateway = new GatewayFixture(natsUrl).device("sealer-1", "sealer", "line1");
        for (int i = 0; i < overrides.length; i += 2) {
            gateway.with(overrides[i], overrides[i + 1]);
        }
        return gateway;
    }

    private Connection observer(String url) throws Exception {
        observer = Nats.connect(new Options.Builder().server(url).maxReconnects(-1).build());
        return observer;
    }

    @Test
    void storedPublishToAStreamThatIsGoneIsRefusedWithACodeNotLeftHanging() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url(), "JETSTREAM_PUBLISH_TIMEOUT_MS", "20000").start();
        observer(nats.url()).jetStreamManagement().deleteStream("TELEMETRY"); // an operator's mistake
        try (WsDevice device = gateway.connect("sealer-1")) {
            long started = System.nanoTime();
            publish(device, "c1", "{\"value\":1}");
            JsonNode refused = device.awaitCorrelation("c1");
            assertThat(refused.path("type").asInt()).isEqualTo(7);
            assertThat(refused.path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(refused.path("payload").path("message").asText()).contains("no responders");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void jetStreamRefusalIsACodedError() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url()).start();
        // The stream as provisioned, then limited by an operator to one message, refusing new ones.
        var jsm = observer(nats.url()).jetStreamManagement();
        var config = jsm.getStreamInfo("TELEMETRY").getConfiguration();
        jsm.updateStream(io.nats.client.api.StreamConfiguration.builder(config).maxMessages(1)
                .discardPolicy(io.nats.client.api.DiscardPolicy.New).build());
        try (WsDevice device = gateway.connect("sealer-1")) {
            publish(device, "c1", "{\"value\":1}");
            assertThat(device.awaitCorrelation("c1").path("type").asInt()).isEqualTo(6);
            publish(device, "c2", "{\"value\":2}");
            JsonNode refused = device.awaitCorrelation("c2");
            assertThat(refused.path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(refused.path("payload").path("message").asText()).contains("maximum messages");
        }
    }

    @Test
    void unansweredPublishIsUnavailableWithinTheTimeoutAndTheRetryIsStoredOnce() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url(), "JETSTREAM_PUBLISH_TIMEOUT_MS", "1000").start();
        try (WsDevice device = gateway.connect("sealer-1")) {
            nats.pause();
            try {
                long started = System.nanoTime();
                publish(device, "c1", "{\"value\":1}");
                JsonNode refused = device.await(m -> "c1".equals(m.path("correlationId").asText()), Duration.ofSeconds(4));
                assertThat(refused.path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900),
                        Duration.ofMillis(2500));
            } finally {
                nats.resume();
            }
            await().atMost(Duration.ofSeconds(10)).until(gateway.server().bridge()::isReady);
            publish(device, "c1", "{\"value\":1}");
            JsonNode ack = device.awaitCorrelation("c1");
            assertThat(ack.path("type").asInt()).isEqualTo(6);
            assertThat(ack.path("payload").path("duplicate").asBoolean()).isTrue();
            assertThat(StoredMessages.correlationIdCounts(observer(nats.url()), "telemetry.>"))
                    .isEqualTo(Map.of("c1", 1));
        }
    }

    @Test
    void userAndPasswordFromTheUrlLogInTheLoopConnections() throws Exception {
        nats = ConfiguredNats.start("authorization { user: gw, password: \"pa ss\" }");
        publishesOverLoopConnections(nats.url("gw:pa%20ss"));
    }

    @Test
    void tokenFromTheUrlLogsInTheLoopConnections() throws Exception {
        nats = ConfiguredNats.start("authorization { token: \"s3cr3t-t0k3n\" }");
        publishesOverLoopConnections(nats.url("s3cr3t-t0k3n"));
    }

    private void publishesOverLoopConnections(String url) throws Exception {
        gateway(url).start();
        String connz = nats.monitor("/connz");
        assertThat(connz).contains("gw-test loop-0").contains("gw-test loop-1");
        try (WsDevice device = gateway.connect("sealer-1")) {
            for (int i = 0; i < 10; i++) {
                publish(device, "c" + i, "{\"value\":" + i + "}");
            }
            for (int i = 0; i < 10; i++) {
                assertThat(device.awaitCorrelation("c" + i).path("payload").path("seq").asLong()).isEqualTo(i + 1);
            }
        }
        // Through the loop connection, not jnats': it has published messages (in_msgs counts them).
        assertThat(nats.monitor("/connz")).containsPattern("\"in_msgs\": *[1-9]");
    }

    @Test
    void subjectTheGatewaysNatsUserMayNotPublishToIsUnavailableAndTheConnectionStays() throws Exception {
        nats = ConfiguredNats.start("authorization { users: [ { user: gw, password: pw, permissions: "
                + "{ publish: { deny: [\"telemetry.line1.denied\"] } } } ] }");
        gateway(nats.url("gw:pw"), "JETSTREAM_PUBLISH_TIMEOUT_MS", "1000").start();
        try (WsDevice device = gateway.connect("sealer-1")) {
            long started = System.nanoTime();
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.denied\",\"correlationId\":\"d1\","
                    + "\"payload\":{\"value\":1}}");
            JsonNode refused = device.awaitCorrelation("d1");
            assertThat(refused.path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            publish(device, "ok", "{\"value\":1}");
            assertThat(device.awaitCorrelation("ok").path("type").asInt()).isEqualTo(6);
        }
    }

    @Test
    void wrongCredentialsKeepReadyDownWithAReasonAndDevicesAreToldUnavailableUntilTheyAreRight() throws Exception {
        nats = ConfiguredNats.start("authorization { user: gw, password: right }");
        gateway(nats.url("gw:wrong"), "GATEWAY_SHUTDOWN_TIMEOUT_SECONDS", "1").startWithoutWaiting();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> gateway.http("/ready").body().contains("Authorization Violation"));
        var ready = gateway.http("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("NATS not connected").doesNotContain("wrong");
        try (WsDevice device = gateway.connect("sealer-1")) {
            publish(device, "c1", "{\"value\":1}");
            assertThat(device.awaitCorrelation("c1").path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
            device.send("{\"type\":0,\"subject\":\"config.line1.x\",\"payload\":{\"v\":1}}");
            device.send("{\"type\":9}");
            device.awaitType(10);
        }
        // The operator puts the credentials right (here: the server's side): the gateway tries again and gets ready.
        nats.reload("authorization { user: gw, password: wrong }");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(45))
                .until(() -> gateway.http("/ready").statusCode() == 200);
        try (WsDevice device = gateway.connect("sealer-1")) {
            publish(device, "c2", "{\"value\":2}");
            assertThat(device.awaitCorrelation("c2").path("type").asInt()).isEqualTo(6);
        }
    }

    @Test
    void shutdownStoresTheAuditTrailsLastRecordPromptly() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url()).start();
        try (WsDevice device = gateway.connect("sealer-1")) {
            publish(device, "c1", "{\"value\":1}");
            device.awaitCorrelation("c1");
        }
        long started = System.nanoTime();
        gateway.close();
        // The audit trail writes only while the bridge is ready; the closed loop connections no longer count.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        assertThat(StoredMessages.all(observer(nats.url()), "audit.>"))
                .anySatisfy(m -> assertThat(new String(m.getData(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("gateway.stop"));
    }

    @Test
    void deviceSubscriptionsTravelTheLoopConnectionsAndAreMadeAgainAfterNatsRestarts() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url()).start();
        try (WsDevice device = gateway.connect("sealer-1")) {
            subscribe(device, "commands.line1.start");
            String connections = nats.monitor("/connz?subs=1");
            assertThat(connections).containsPattern("loop-\\d[^}]*\"subscriptions_list\": *\\[[^]]*commands\\.line1\\.start");
            Connection publisher = observer(nats.url());
            publishUntilDelivered(publisher, device, "before");

            nats.crash();
            nats.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.http("/ready").statusCode() == 200);
            // Published while the connection was down is gone (core NATS); once it is back the device gets messages
            // again without subscribing again.
            publishUntilDelivered(publisher, device, "after");
        }
    }

    @Test
    void devicesOnEveryLoopGetWhatADeviceOnAnyLoopPublishes() throws Exception {
        nats = ConfiguredNats.start("");
        gateway = new GatewayFixture(nats.url()).device("hmi-1", "hmi", "line1");
        for (int i = 1; i <= 4; i++) {
            gateway.device("sealer-" + i, "sealer", "line1");
        }
        gateway.start();
        List<WsDevice> sealers = new java.util.ArrayList<>();
        try (WsDevice hmi = gateway.connect("hmi-1")) {
            // Connections are spread over the event loops: some of these share the publisher's loop, some do not.
            for (int i = 1; i <= 4; i++) {
                WsDevice sealer = gateway.connect("sealer-" + i);
                sealers.add(sealer);
                subscribe(sealer, "commands.line1.start");
            }
            hmi.send("{\"type\":0,\"subject\":\"commands.line1.start\",\"payload\":{\"go\":true},\"correlationId\":\"p1\"}");
            assertThat(hmi.awaitCorrelation("p1").path("type").asInt()).isEqualTo(6);
            for (WsDevice sealer : sealers) {
                JsonNode message = sealer.await(m -> m.path("type").asInt() == 3);
                assertThat(message.path("subject").asText()).isEqualTo("commands.line1.start");
                assertThat(message.path("deviceId").asText()).isEqualTo("hmi-1");
                assertThat(message.path("payload").path("go").asBoolean()).isTrue();
            }
        } finally {
            sealers.forEach(WsDevice::close);
        }
    }

    @Test
    void aDeviceGetsWhatItPublishesToASubjectItSubscribedTo() throws Exception {
        nats = ConfiguredNats.start("");
        gateway = new GatewayFixture(nats.url())
                .type(new com.pharmabridge.gateway.registry.DeviceType("echo", List.of("echo.${deviceId}.>"),
                        List.of("echo.${deviceId}.>"), List.of()))
                .device("echo-1", "echo", "line1");
        gateway.start();
        try (WsDevice device = gateway.connect("echo-1")) {
            subscribe(device, "echo.echo-1.>");
            device.send("{\"type\":0,\"subject\":\"echo.echo-1.ping\",\"payload\":{\"n\":1}}");
            JsonNode message = device.await(m -> m.path("type").asInt() == 3);
            assertThat(message.path("subject").asText()).isEqualTo("echo.echo-1.ping");
            assertThat(message.path("deviceId").asText()).isEqualTo("echo-1");
            assertThat(message.path("payload").path("n").asInt()).isEqualTo(1);
        }
    }

    private static void subscribe(WsDevice device, String subject) throws Exception {
        device.send("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"sub\"}");
        JsonNode ack = device.awaitCorrelation("sub");
        assertThat(ack.path("payload").path("message").asText()).isEqualTo("Subscribed");
    }

    private static void publishUntilDelivered(Connection publisher, WsDevice device, String marker) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            publisher.publish("commands.line1.start", ("\"" + marker + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            publisher.flush(Duration.ofSeconds(2));
            try {
                device.await(m -> m.path("type").asInt() == 3 && marker.equals(m.path("payload").asText()),
                        Duration.ofMillis(300));
                return true;
            } catch (AssertionError notYet) {
                return false;
            }
        });
    }

    @Test
    void jnatsPathWhenSwitchedOff() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url(), "NATS_PUBLISH_PER_EVENT_LOOP", "false").start();
        assertThat(nats.monitor("/connz")).doesNotContain("loop-0");
        try (WsDevice device = gateway.connect("sealer-1")) {
            publish(device, "c1", "{\"value\":1}");
            assertThat(device.awaitCorrelation("c1").path("payload").path("stream").asText()).isEqualTo("TELEMETRY");
            publish(device, "c1", "{\"value\":1}");
            assertThat(device.awaitCorrelation("c1").path("payload").path("duplicate").asBoolean()).isTrue();
            subscribe(device, "commands.line1.start");
            assertThat(nats.monitor("/connz?subs=1")).doesNotContain("loop-");
            publishUntilDelivered(observer(nats.url()), device, "via jnats");
        }
    }

    @Test
    void headerValuesWithLineBreaksOrNonAsciiAreRefusedAndTheStreamStaysClean() throws Exception {
        nats = ConfiguredNats.start("");
        gateway(nats.url()).start();
        try (WsDevice device = gateway.connect("sealer-1")) {
            List<String> bad = List.of(
                    "{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"a\\r\\nNats-Msg-Id:x\",\"payload\":{\"v\":1}}",
                    "{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"caf\u00e9\",\"payload\":{\"v\":1}}",
                    "{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"t1\",\"timestamp\":\"2026-12-03T19:00:00Z\\r\\n\\r\\nPUB x 1\",\"payload\":{\"v\":1}}",
                    "{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"b1\",\"payload\":{\"v\":1,\"batchId\":\"B\\nX\"}}",
                    "{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"b2\",\"payload\":{\"v\":1,\"batchId\":\"B\u2028\u00ff\"}}",
                    "{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"payload\":{\"v\":1,\"batchId\":\"B\\r\\nPUB x 1\"}}",
                    "{\"type\":0,\"subject\":\"telemetry.line1.\u00e9\",\"correlationId\":\"s1\",\"payload\":{\"v\":1}}",
                    "{\"type\":0,\"subject\":\"telemetry.line1.a\\r\\nPUB\",\"correlationId\":\"s2\",\"payload\":{\"v\":1}}");
            for (String frame : bad) {
                device.send(frame);
                JsonNode error = device.awaitType(7);
                assertThat(error.path("payload").path("code").asText()).as(frame)
                        .isIn("INVALID_MESSAGE", "INVALID_SUBJECT");
            }
            publish(device, "good", "{\"value\":1,\"batchId\":\"B-1\"}");
            assertThat(device.awaitCorrelation("good").path("type").asInt()).isEqualTo(6);
        }
        List<Message> stored = StoredMessages.all(observer(nats.url()), "telemetry.>");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).getHeaders().getFirst("Correlation-Id")).isEqualTo("good");
        assertThat(nats.monitor("/connz")).contains("loop-0"); // no protocol error dropped the connections
    }

    @Test
    void payloadRightAtMaxPayloadWithTheGatewaysHeadersIsStoredAndOneByteMoreRefused() throws Exception {
        nats = ConfiguredNats.start("max_payload: 65536");
        gateway(nats.url()).start();
        try (WsDevice device = gateway.connect("sealer-1")) {
            publish(device, "p1", "{\"value\":1,\"v\":\"x\"}");
            JsonNode p1 = device.awaitCorrelation("p1");
            assertThat(p1.path("type").asInt()).as(p1.toString()).isEqualTo(6);
            Message probe = StoredMessages.all(observer(nats.url()), "telemetry.>").get(0);
            int headerBytes = probe.getHeaders().serializedLength();
            int fill = 65536 - headerBytes - "{\"value\":1,\"v\":\"\"}".length();
            // Received-At has 0, 3, 6 or 9 fraction digits (Instant.toString): a margin of 8 bytes either side. The
            // exact boundary is LoopPublisherTest's.
            publish(device, "p2", "{\"value\":1,\"v\":\"" + "x".repeat(fill - 8) + "\"}");
            assertThat(device.awaitCorrelation("p2").path("type").asInt()).isEqualTo(6);
            String over = "{\"value\":1,\"v\":\"" + "x".repeat(fill + 8) + "\"}";
            publish(device, "p3", over);
            JsonNode refused = device.awaitCorrelation("p3");
            assertThat(refused.path("payload").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
            device.send("{\"type\":0,\"subject\":\"config.line1.big\",\"correlationId\":\"p4\",\"payload\":" + over + "}");
            assertThat(device.awaitCorrelation("p4").path("payload").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
            // Fire and forget (no correlation id, so two headers fewer) well over the limit: refused all the same.
            device.send("{\"type\":0,\"subject\":\"config.line1.big\",\"payload\":{\"v\":\"" + "x".repeat(fill + 200) + "\"}}");
            assertThat(device.awaitType(7).path("payload").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
            // Nothing reached the server that made it drop the connection.
            publish(device, "p5", "{\"value\":2}");
            assertThat(device.awaitCorrelation("p5").path("type").asInt()).isEqualTo(6);
            String longest = "telemetry.line1." + "a".repeat(256 - "telemetry.line1.".length());
            device.send("{\"type\":0,\"subject\":\"" + longest + "\",\"correlationId\":\"p6\",\"payload\":{\"value\":1}}");
            assertThat(device.awaitCorrelation("p6").path("type").asInt()).isEqualTo(6);
            device.send("{\"type\":0,\"subject\":\"" + longest + "a\",\"correlationId\":\"p7\",\"payload\":{\"value\":1}}");
            assertThat(device.awaitCorrelation("p7").path("payload").path("code").asText()).isEqualTo("INVALID_SUBJECT");
        }
        assertThat(nats.monitor("/varz")).doesNotContain("Maximum Payload");
    }

    private static void publish(WsDevice device, String correlationId, String payload) throws Exception {
        device.send("{\"type\":0,\"subject\":\"" + SUBJECT + "\",\"correlationId\":\"" + correlationId + "\",\"payload\":"
                + payload + "}");
    }
}
