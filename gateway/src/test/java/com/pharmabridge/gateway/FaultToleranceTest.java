package com.pharmabridge.gateway;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.GatewayProcess;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.ReliablePublisher;
import com.pharmabridge.gateway.testing.StoredMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults under load, with devices that keep and re-send what was not acknowledged: afterwards every acknowledged
 * message is in the stream exactly once, and every message that was not stored got a coded error.
 */
class FaultToleranceTest {
    private static final int DEVICES = 3;
    private static final int MESSAGES_PER_DEVICE = 600;

    private NatsFixture nats;
    private GatewayFixture gateway;
    private final List<ReliablePublisher> publishers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "100000")
                .with("JETSTREAM_PUBLISH_TIMEOUT_MS", "2000");
        for (int i = 0; i < DEVICES; i++) {
            gateway.device("sealer-" + i, "sealer", "line1");
        }
        gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ReliablePublisher publisher : publishers) {
            publisher.close();
        }
        gateway.close();
        nats.close();
    }

    @Test
    void natsServerStoppedAndRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        // Held at half, so that messages are still to be sent when NATS goes, however fast the first were acked.
        startPublishers(gateway.wsUri(), MESSAGES_PER_DEVICE / 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged() > DEVICES * MESSAGES_PER_DEVICE / 4);
        long ackedBeforeOutage = acknowledged();
        nats.server().stop();
        publishers.forEach(ReliablePublisher::release);
        await().atMost(Duration.ofSeconds(20)).until(() -> refusals() > 0);
        nats.server().start();
        awaitAllAcknowledged();

        Report report = verifyExactlyOnce();
        System.out.printf("FAULT nats-restart: %s, acked before outage %d%n", report, ackedBeforeOutage);
        assertThat(report.refusals).as("devices were told while NATS was away").isPositive();
    }

    @Test
    void gatewayRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        // Held at half, so that messages are still to be sent when the gateway goes, however fast the first were acked.
        startPublishers(gateway.wsUri(), MESSAGES_PER_DEVICE / 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged() > DEVICES * MESSAGES_PER_DEVICE / 4);
        int port = gateway.port();
        gateway.server().close();
        publishers.forEach(ReliablePublisher::release);
        gateway.startOnPort(port);
        awaitAllAcknowledged();

        Report report = verifyExactlyOnce();
        System.out.printf("FAULT gateway-restart: %s%n", report);
        assertThat(publishers.stream().mapToLong(ReliablePublisher::reconnects).sum()).isPositive();
    }

    @Test
    void gatewayProcessKilledWithSigkillMidStreamLosesOnlyUnacknowledgedMessagesWhichDevicesResend(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path logs) throws Exception {
        int port = com.pharmabridge.gateway.natsserver.NatsServerProcess.freePort();
        Map<String, String> environment = Map.of("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "100000",
                "JETSTREAM_PUBLISH_TIMEOUT_MS", "2000", "GATEWAY_ID", "gw-killed");
        java.nio.file.Path log = logs.resolve("gateway.log");
        long ackedAtKill;
        try (GatewayProcess first = GatewayProcess.start(gateway.registryFile(), nats.url(), port, environment, log)) {
            startPublishers(first.wsUri());
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged() > DEVICES * MESSAGES_PER_DEVICE / 4);
            first.kill(); // closing it again afterwards (also when the wait fails) leaves no process behind
            ackedAtKill = acknowledged();
        }
        try (GatewayProcess second = GatewayProcess.start(gateway.registryFile(), nats.url(), port, environment, log)) {
            awaitAllAcknowledged();
            Report report = verifyExactlyOnce();
            System.out.printf("FAULT gateway-sigkill: %s, acked at kill %d%n", report, ackedAtKill);
        }
    }

    private void startPublishers() {
        startPublishers(gateway.wsUri());
    }

    private void startPublishers(java.net.URI uri) {
        startPublishers(uri, MESSAGES_PER_DEVICE);
    }

    private void startPublishers(java.net.URI uri, int holdAt) {
        for (int i = 0; i < DEVICES; i++) {
            String id = "sealer-" + i;
            publishers.add(new ReliablePublisher(uri, id, gateway.token(id),
                    "telemetry.line1.sealer." + id, 32).holdAt(holdAt).start(MESSAGES_PER_DEVICE));
        }
    }

    private void awaitAllAcknowledged() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> publishers.stream().allMatch(ReliablePublisher::done));
    }

    private long acknowledged() {
        return publishers.stream().mapToLong(p -> p.acknowledged().size()).sum();
    }

    private long refusals() {
        return publishers.stream().mapToLong(ReliablePublisher::refusals).sum();
    }

    /** Every message of every device acknowledged, stored exactly once, nothing else stored. */
    private Report verifyExactlyOnce() throws Exception {
        Map<String, Integer> stored = StoredMessages.correlationIdCounts(nats.observer(), "telemetry.>");
        Set<String> acked = new HashSet<>();
        publishers.forEach(p -> acked.addAll(p.acknowledged()));
        long duplicates = stored.values().stream().filter(c -> c > 1).count();
        assertThat(acked).hasSize(DEVICES * MESSAGES_PER_DEVICE);
        assertThat(stored.keySet()).as("stored = acknowledged").isEqualTo(acked);
        assertThat(duplicates).as("messages stored more than once").isZero();
        return new Report(publishers.stream().mapToLong(ReliablePublisher::sends).sum(), acked.size(), refusals(),
                publishers.stream().mapToLong(ReliablePublisher::duplicateAcks).sum(),
                stored.values().stream().mapToLong(Integer::longValue).sum(), duplicates);
    }

    private record Report(long sends, long acknowledged, long refusals, long duplicateAcks, long stored,
                          long duplicates) {
        @Override
        public String toString() {
            return "unique messages " + DEVICES * MESSAGES_PER_DEVICE + ", sends (with re-sends) " + sends
                    + ", acknowledged " + acknowledged + " (" + duplicateAcks + " as duplicate re-sends), refusals " + refusals
                    + ", stored " + stored
                    + ", duplicates " + duplicates;
        }
    }
}
