package com.pharmabridge.gateway;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Streams are created as declared, protected where they hold compliance records, and never silently changed. */
class StreamProvisioningTest {
    private NatsFixture nats;
    private GatewayFixture gateway;

    @BeforeEach
    void startNats() throws Exception {
        nats = NatsFixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        nats.close();
    }

    @Test
    void complianceStreamsAreCreatedWithDeleteAndPurgeDenied() throws Exception {
        gateway = new GatewayFixture(nats.url()).device("sealer-1", "sealer", "line1").start();
        JetStreamManagement jsm = nats.observer().jetStreamManagement();
        for (String stream : new String[]{"ALERTS", "QUALITY", "BATCHES"}) {
            StreamConfiguration live = jsm.getStreamInfo(stream).getConfiguration();
            assertThat(live.getDenyDelete()).as(stream).isTrue();
            assertThat(live.getDenyPurge()).as(stream).isTrue();
            assertThat(live.getStorageType()).isEqualTo(StorageType.File);
        }
        assertThat(jsm.getStreamInfo("BATCHES").getConfiguration().getMaxAge()).isEqualTo(Duration.ofDays(90));
        try (WsDevice device = gateway.connect("sealer-1")) {
            device.send("{\"type\":0,\"subject\":\"alerts.chicago.line1.temperature-excursion\","
                    + "\"payload\":{\"value\":191.2},\"correlationId\":\"a1\"}");
            long seq = device.awaitCorrelation("a1").path("payload").path("seq").asLong();
            assertThatThrownBy(() -> jsm.deleteMessage("ALERTS", seq)).isInstanceOf(JetStreamApiException.class);
            assertThatThrownBy(() -> jsm.purgeStream("ALERTS")).isInstanceOf(JetStreamApiException.class);
            assertThat(jsm.getMessage("ALERTS", seq)).isNotNull();
        }
    }

    @Test
    void liveStreamWithOtherRetentionIsReportedAsDriftAndLeftAsItIs() throws Exception {
        JetStreamManagement jsm = nats.observer().jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ALERTS").subjects("alerts.>").maxAge(Duration.ofDays(1))
                .storageType(StorageType.File).build());
        gateway = new GatewayFixture(nats.url()).start();

        String ready = gateway.http("/ready").body();
        assertThat(ready).contains("ALERTS: max age is PT24H, declared PT720H").contains("ALERTS: deny delete is false");
        assertThat(gateway.http("/metrics").body()).containsPattern("gateway_stream_drift(\\{[^}]*})? 3\\.0");
        StreamConfiguration live = jsm.getStreamInfo("ALERTS").getConfiguration();
        assertThat(live.getMaxAge()).as("retention not overwritten").isEqualTo(Duration.ofDays(1));
    }

    @Test
    void existingStreamGainsDeclaredSubjectsWithoutLosingItsOwn() throws Exception {
        JetStreamManagement jsm = nats.observer().jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("TELEMETRY").subjects("legacy.>").maxAge(Duration.ofDays(7))
                .storageType(StorageType.File).build());
        gateway = new GatewayFixture(nats.url()).start();
        assertThat(jsm.getStreamInfo("TELEMETRY").getConfiguration().getSubjects())
                .contains("legacy.>", "factory.>", "telemetry.>");
    }

    @Test
    void commandThatIsNeverAcknowledgedRaisesAStoredAlertOnceDeliveriesAreExhausted() throws Exception {
        gateway = new GatewayFixture(nats.url())
                .with("JETSTREAM_DURABLE_ACK_WAIT_SECONDS", "1")
                .with("JETSTREAM_DURABLE_MAX_DELIVER", "2")
                .device("sealer-ignoring", "sealer", "line1")
                .start();
        try (WsDevice device = gateway.connect("sealer-ignoring")) {
            device.send("{\"type\":1,\"subject\":\"commands.line1.sealer-ignoring.>\",\"correlationId\":\"s\","
                    + "\"payload\":{\"durable\":true}}");
            assertThat(device.awaitCorrelation("s").path("type").asInt()).isEqualTo(6);
            nats.observer().jetStream().publish("commands.line1.sealer-ignoring.stop",
                    "{\"action\":\"stop\"}".getBytes(StandardCharsets.UTF_8));
            device.awaitType(3);
            device.awaitType(3);
            JetStreamManagement jsm = nats.observer().jetStreamManagement();
            await().atMost(Duration.ofSeconds(15)).until(() -> jsm.getStreamInfo("ALERTS").getStreamState().getMsgCount() == 1);
            String alert = new String(jsm.getLastMessage("ALERTS", "alerts.gateway.gw-test.max-deliveries").getData(),
                    StandardCharsets.UTF_8);
            assertThat(alert).contains("\"deviceId\":\"sealer-ignoring\"").contains("\"stream\":\"COMMANDS\"")
                    .contains("\"deliveries\":2");
        }
    }
}
