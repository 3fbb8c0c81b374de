package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.RawWebSocket;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits per device type and per gateway, each refusing with its code and never slowing other devices. */
class LimitsTest {
    private static final List<String> LINE1 = List.of("telemetry.${line}.>", "commands.${line}.>");
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MAX_MESSAGE_SIZE", "1024")
                .with("GATEWAY_MAX_CLOCK_SKEW_SECONDS", "60")
                .type(new DeviceType("camera", LINE1, LINE1, List.of(),
                        new DeviceLimits(2, 2, null, 2, null, null)))
                .type(new DeviceType("scale", LINE1, LINE1, List.of(),
                        new DeviceLimits(1000, 1000, 1024L, null, null, null)))
                .type(new DeviceType("slow-reader", LINE1, LINE1, List.of(),
                        new DeviceLimits(null, null, null, null, 50, DeviceLimits.SlowConsumerPolicy.DISCONNECT)))
                .type(new DeviceType("lagging-reader", LINE1, LINE1, List.of(),
                        new DeviceLimits(null, null, null, null, 50, DeviceLimits.SlowConsumerPolicy.DROP_OLDEST)))
                .type(new DeviceType("panel", LINE1, LINE1, List.of(),
                        new DeviceLimits(null, null, null, 2, null, null)))
                .device("camera-1", "camera", "line1")
                .device("panel-1", "panel", "line1")
                .device("scale-1", "scale", "line1")
                .device("sealer-1", "sealer", "line1")
                .device("slow-1", "slow-reader", "line1")
                .device("lagging-1", "lagging-reader", "line1")
                .device("fast-1", "hmi", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void deviceTypeRateLimitRefusesWithRetryAfterWhileOtherTypesKeepTheDefault() throws Exception {
        try (WsDevice camera = gateway.connect("camera-1"); WsDevice sealer = gateway.connect("sealer-1")) {
            int limited = 0;
            for (int i = 0; i < 5; i++) {
                camera.send(publish("telemetry.line1.camera.read", "c" + i, "{\"value\":" + i + "}"));
                sealer.send(publish("telemetry.line1.sealer.temperature", "s" + i, "{\"value\":" + i + "}"));
            }
            for (int i = 0; i < 5; i++) {
                JsonNode answer = camera.awaitCorrelation("c" + i);
                if (answer.path("type").asInt() == 7) {
                    assertThat(answer.path("payload").path("code").asText()).isEqualTo("RATE_LIMIT");
                    assertThat(answer.path("payload").path("retryAfterMs").asLong()).isPositive();
                    limited++;
                }
                assertThat(sealer.awaitCorrelation("s" + i).path("type").asInt()).as("sealer unaffected").isEqualTo(6);
            }
            assertThat(limited).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void byteRateLimitRefusesOnceTheBudgetIsSpent() throws Exception {
        try (WsDevice scale = gateway.connect("scale-1")) {
            String padding = "x".repeat(400);
            for (int i = 0; i < 4; i++) {
                scale.send(publish("telemetry.line1.scale.weight", "w" + i, "{\"value\":1,\"note\":\"" + padding + "\"}"));
            }
            long refused = 0;
            for (int i = 0; i < 4; i++) {
                JsonNode answer = scale.awaitCorrelation("w" + i);
                if (answer.path("type").asInt() == 7) {
                    assertThat(answer.path("payload").path("code").asText()).isEqualTo("RATE_LIMIT");
                    refused++;
                }
            }
            assertThat(refused).as("1 KiB/s allows two ~450-byte messages at once").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void subscriptionsBeyondTheTypesLimitAreRefused() throws Exception {
        try (WsDevice camera = gateway.connect("panel-1")) {
            for (int i = 0; i < 3; i++) {
                camera.send("{\"type\":1,\"subject\":\"commands.line1.c" + i + "\",\"correlationId\":\"sub" + i + "\"}");
                JsonNode answer = camera.awaitCorrelation("sub" + i);
                if (i < 2) {
                    assertThat(answer.path("type").asInt()).isEqualTo(6);
                } else {
                    assertThat(answer.path("payload").path("code").asText()).isEqualTo("INVALID_MESSAGE");
                    assertThat(answer.path("payload").path("message").asText()).contains("At most 2");
                }
            }
        }
    }

    @Test
    void deviceThatStopsReadingIsDisconnectedWith4003AndTheGatewayHeapStaysBounded() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        double slowConsumerErrorsBefore = metricValue("gateway_errors_sent_total{code=\"SLOW_CONSUMER\"");
        try (RawWebSocket slow = RawWebSocket.connect(gateway.port(), 32 * 1024);
             WsDevice fast = gateway.connect("fast-1")) {
            slow.sendText("{\"type\":8,\"payload\":{\"deviceId\":\"slow-1\",\"token\":\"" + gateway.token("slow-1") + "\"}}");
            assertThat(slow.readFrame().text()).contains("\"success\":true");
            slow.sendText("{\"type\":1,\"subject\":\"telemetry.line1.flood\",\"correlationId\":\"s\"}");
            assertThat(slow.readFrame().text()).contains("\"type\":6");
            fast.send("{\"type\":1,\"subject\":\"telemetry.line1.fast\",\"correlationId\":\"f\"}");
            fast.awaitCorrelation("f");

            // 40 MB for a device that reads nothing, interleaved with a steady stream for one that reads: the
            // reading device gets every one of its messages, none dropped, while the other is cut off.
            byte[] chunk = ("{\"blob\":\"" + "y".repeat(8000) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 5000; i++) {
                nats.observer().publish("telemetry.line1.flood", chunk);
                if (i % 5 == 0) {
                    nats.observer().publish("telemetry.line1.fast", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                }
            }
            nats.observer().flush(Duration.ofSeconds(10));
            for (int received = 0; received < 1000; received++) {
                JsonNode message = fast.await(m -> m.path("type").asInt() == 3 || m.path("type").asInt() == 7,
                        Duration.ofSeconds(10));
                assertThat(message.path("type").asInt()).as("fast device: %s", message).isEqualTo(3);
            }
            // Each event loop reads its own copy from NATS: the slow device's loop may still be working through the
            // flood when the fast one is done, and reading before the cut-off would drain the queue instead.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> metricValue("gateway_errors_sent_total{code=\"SLOW_CONSUMER\"")
                            > slowConsumerErrorsBefore);
            System.gc();
            long heapGrowth = memory.getHeapMemoryUsage().getUsed() - heapBefore;
            // Had the gateway kept all 40 MB for the device (80 MB as Java strings), the heap would have grown by far
            // more; the margin above the 8 MB outgoing limit is for NATS buffers and whatever else the JVM holds now.
            assertThat(heapGrowth).as("heap growth while 40 MB were sent to a device that does not read")
                    .isLessThan(48L * 1024 * 1024);

            // Reading again, the device finds what got through, one notice of why, then the close: nothing after it.
            List<String> afterNotice = new java.util.ArrayList<>();
            int notices = 0;
            RawWebSocket.Frame frame;
            while ((frame = slow.readFrame()).opcode() != RawWebSocket.CLOSE) {
                if (frame.text().contains("\"SLOW_CONSUMER\"")) {
                    notices++;
                } else if (notices > 0) {
                    afterNotice.add(frame.text().substring(0, Math.min(80, frame.text().length())));
                }
            }
            assertThat(notices).isEqualTo(1);
            assertThat(afterNotice).as("written after the SLOW_CONSUMER notice").isEmpty();
            assertThat(frame.closeCode()).isEqualTo(4003);
            assertThat(metricValue("gateway_errors_sent_total{code=\"SLOW_CONSUMER\""))
                    .as("SLOW_CONSUMER errors counted for the one device cut off").isEqualTo(slowConsumerErrorsBefore + 1);
            System.gc();
            assertThat(memory.getHeapMemoryUsage().getUsed() - heapBefore)
                    .as("heap kept once the device that did not read was cut off").isLessThan(24L * 1024 * 1024);
        }
    }

    @Test
    void laggingReaderLosesTheOldestAndIsToldHowMany() throws Exception {
        try (RawWebSocket lagging = RawWebSocket.connect(gateway.port(), 32 * 1024)) {
            lagging.sendText("{\"type\":8,\"payload\":{\"deviceId\":\"lagging-1\",\"token\":\""
                    + gateway.token("lagging-1") + "\"}}");
            assertThat(lagging.readFrame().text()).contains("\"success\":true");
            lagging.sendText("{\"type\":1,\"subject\":\"telemetry.line1.lag\",\"correlationId\":\"s\"}");
            assertThat(lagging.readFrame().text()).contains("\"type\":6");
            double droppedBefore = metricValue("gateway_outgoing_dropped_total");
            byte[] chunk = ("{\"blob\":\"" + "z".repeat(8000) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3000; i++) {
                nats.observer().publish("telemetry.line1.lag", chunk);
            }
            nats.observer().flush(Duration.ofSeconds(10));
            // Only once the gateway had to drop something does the device start reading again.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> metricValue("gateway_outgoing_dropped_total") > droppedBefore);
            // Now read everything: somewhere in the stream comes the notice of what was dropped.
            long dropped = 0;
            long messages = 0;
            while (dropped == 0) {
                RawWebSocket.Frame frame;
                try {
                    frame = lagging.readFrame();
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("No SLOW_CONSUMER notice after " + messages + " messages; "
                            + metricLines("gateway_outgoing_dropped"), e);
                }
                if (frame.opcode() != RawWebSocket.TEXT) {
                    continue;
                }
                String text = frame.text();
                if (text.contains("SLOW_CONSUMER")) {
                    dropped = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text)
                            .path("payload").path("dropped").asLong();
                } else {
                    messages++;
                }
            }
            assertThat(dropped).isPositive();
            assertThat(messages + dropped).isLessThanOrEqualTo(3000);
        }
    }

    @Test
    void connectionsBeyondThePerHostRateAreRefusedWith429() throws Exception {
        try (GatewayFixture strict = new GatewayFixture(nats.url())
                .with("GATEWAY_NEW_CONNECTIONS_PER_SECOND_PER_HOST", "1")
                .with("GATEWAY_NEW_CONNECTION_BURST_PER_HOST", "2")
                .with("GATEWAY_MAX_CONNECTIONS", "100")
                .start()) {
            WsDevice first = WsDevice.connect(strict.wsUri());
            WsDevice second = WsDevice.connect(strict.wsUri());
            assertThatThrownBy(() -> WsDevice.connect(strict.wsUri()))
                    .hasRootCauseMessage("Unexpected HTTP response status code 429");
            first.close();
            second.close();
            assertThat(strict.http("/metrics").body()).contains("reason=\"connection_rate\"");
        }
    }

    @Test
    void connectionsBeyondTheGatewayMaximumAreRefusedWith503() throws Exception {
        try (GatewayFixture small = new GatewayFixture(nats.url()).with("GATEWAY_MAX_CONNECTIONS", "2").start()) {
            WsDevice first = WsDevice.connect(small.wsUri());
            WsDevice second = WsDevice.connect(small.wsUri());
            assertThatThrownBy(() -> WsDevice.connect(small.wsUri()))
                    .hasRootCauseMessage("Unexpected HTTP response status code 503");
            first.close();
            second.close();
        }
    }

    @Test
    void deviceClockFarOffIsFlaggedOnTheStoredMessage() throws Exception {
        try (WsDevice sealer = gateway.connect("sealer-1")) {
            sealer.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.skewed\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"skew\",\"timestamp\":\"2020-01-01T00:00:00Z\"}");
            long seq = sealer.awaitCorrelation("skew").path("payload").path("seq").asLong();
            MessageInfo stored = nats.observer().jetStreamManagement().getMessage("TELEMETRY", seq);
            assertThat(Long.parseLong(stored.getHeaders().getFirst("Clock-Skew-Ms"))).isNegative();
            sealer.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer.onTime\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"ok\",\"timestamp\":\"" + java.time.Instant.now() + "\"}");
            long okSeq = sealer.awaitCorrelation("ok").path("payload").path("seq").asLong();
            assertThat(nats.observer().jetStreamManagement().getMessage("TELEMETRY", okSeq).getHeaders()
                    .getFirst("Clock-Skew-Ms")).isNull();
            assertThat(gateway.http("/metrics").body()).containsPattern("gateway_clock_skew_flagged_total [1-9]");
        }
    }

    private static double metricValue(String name) throws Exception {
        return gateway.metric(name);
    }

    private static String metricLines(String name) throws Exception {
        return gateway.http("/metrics").body().lines().filter(l -> l.startsWith(name))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static String publish(String subject, String correlationId, String payload) {
        return "{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":" + payload + ",\"correlationId\":\""
                + correlationId + "\"}";
    }
}
