package com.pharmabridge.sdk;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.sdk.store.MutableClock;
import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreFullException;
import com.pharmabridge.sdk.store.StoreLimits;
import com.pharmabridge.sdk.store.StoreLimits.FullPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the client does with the SQLite journal's bounds while the gateway is away: age limit (publishes expire and
 * their futures fail with EXPIRED) and size limit (BUFFER_FULL, refused or dropped publishes).
 */
class JournalPolicyTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static NatsFixture nats;
    private static GatewayFixture gateway;
    private static URI uri;
    private static int port;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("expiring-1", "sealer", "line1")
                .device("restarted-1", "sealer", "line1")
                .device("refusing-1", "sealer", "line1")
                .device("dropping-1", "sealer", "line1")
                .start();
        uri = gateway.wsUri();
        port = gateway.port();
        gateway.server().close(); // each test starts with the gateway down
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    /** Records events with their details. */
    private static final class Events implements ConnectionListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(Event event, String detail) {
            seen.add(event + " " + detail);
        }
    }

    private static DeviceClient connect(String deviceId, OfflineStore store, Events events) {
        return DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(uri).deviceId(deviceId)
                .token(gateway.token(deviceId)).journal(new StoreJournal(store)).listener(events)
                .reconnect(Duration.ofMillis(100), Duration.ofMillis(300), 0.25).build());
    }

    private static String failureCode(CompletableFuture<PublishAck> future) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DeviceException.class);
        return ((DeviceException) future.handle((a, e) -> e).join()).code();
    }

    /** Starts the gateway for the rest of the test, and stops it again afterwards for the next one. */
    private static AutoCloseable gatewayUp() throws Exception {
        gateway.startOnPort(port);
        return () -> gateway.server().close();
    }

    @Test
    void verifiesThatPublishesOlderThanTheMaxAgeExpireWhileTheGatewayIsDownAndTheRestIsDelivered() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        Events events = new Events();
        try (OfflineStore store = OfflineStore.open(dir.resolve("expiring.db"),
                new StoreLimits(1000, 1 << 20, MAX_AGE, FullPolicy.REFUSE_NEW), clock);
             DeviceClient client = connect("expiring-1", store, events)) {
            List<CompletableFuture<PublishAck>> old = List.of(
                    client.publish("telemetry.line1.expiring-1.t", "{\"value\":1}"),
                    client.publish("telemetry.line1.expiring-1.t", "{\"value\":2}"),
                    client.publish("telemetry.line1.expiring-1.t", "{\"value\":3}"));
            clock.advance(MAX_AGE.plusSeconds(1));
            CompletableFuture<PublishAck> fresh = client.publish("telemetry.line1.expiring-1.t", "{\"value\":4}");

            // The client expires the journal every second (a tenth of 10 s, at least 1 s).
            await().atMost(Duration.ofSeconds(10)).until(() -> client.metrics().expired() == 3);
            for (CompletableFuture<PublishAck> f : old) {
                assertThat(failureCode(f)).isEqualTo(DeviceException.EXPIRED);
            }
            assertThat(client.metrics().queued()).isEqualTo(1);
            assertThat(store.count()).isEqualTo(1);
            assertThat(store.stats().expired()).isEqualTo(3);

            try (AutoCloseable up = gatewayUp()) {
                assertThat(fresh.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
                Map<String, Integer> stored = StoredMessages.correlationIdCounts(nats.observer(),
                        "telemetry.line1.expiring-1.>");
                assertThat(stored).hasSize(1).containsValue(1);
                ClientMetrics metrics = client.metrics();
                assertThat(metrics.published()).isEqualTo(4);
                assertThat(metrics.acknowledged()).isEqualTo(1);
                assertThat(metrics.expired()).isEqualTo(3);
                assertThat(metrics.queued()).isZero();
            }
        }
    }

    @Test
    void verifiesThatWhatExpiredWhileTheProcessWasDownIsNotReplayedAfterARestart() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        Path file = dir.resolve("restarted.db");
        StoreLimits limits = new StoreLimits(1000, 1 << 20, MAX_AGE, FullPolicy.REFUSE_NEW);
        try (OfflineStore store = OfflineStore.open(file, limits, clock);
             DeviceClient client = connect("restarted-1", store, new Events())) {
            client.publish("telemetry.line1.restarted-1.t", "{\"value\":1}");
            client.publish("telemetry.line1.restarted-1.t", "{\"value\":2}");
            assertThat(client.metrics().queued()).isEqualTo(2);
        }
        clock.advance(MAX_AGE.plusSeconds(1));
        try (OfflineStore store = OfflineStore.open(file, limits, clock);
             DeviceClient client = connect("restarted-1", store, new Events())) {
            ClientMetrics metrics = client.metrics();
            assertThat(metrics.expired()).isEqualTo(2);
            assertThat(metrics.queued()).isZero();
            assertThat(store.count()).isZero();
        }
    }

    @Test
    void verifiesThatAFullJournalRefusesAPublishAndReportsBufferFull() throws Exception {
        Events events = new Events();
        try (OfflineStore store = OfflineStore.open(dir.resolve("refusing.db"),
                new StoreLimits(2, 1 << 20, Duration.ofDays(1), FullPolicy.REFUSE_NEW));
             DeviceClient client = connect("refusing-1", store, events)) {
            CompletableFuture<PublishAck> first = client.publish("telemetry.line1.refusing-1.t", "{\"value\":1}");
            CompletableFuture<PublishAck> second = client.publish("telemetry.line1.refusing-1.t", "{\"value\":2}");
            CompletableFuture<PublishAck> refused = client.publish("telemetry.line1.refusing-1.t", "{\"value\":3}");

            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(StoreFullException.class);
            assertThat(events.seen).anyMatch(s -> s.startsWith("BUFFER_FULL") && s.contains("maxMessages=2"));
            ClientMetrics metrics = client.metrics();
            assertThat(metrics.bufferFullRefusals()).isEqualTo(1);
            assertThat(metrics.published()).isEqualTo(2);
            assertThat(metrics.queued()).isEqualTo(2);

            try (AutoCloseable up = gatewayUp()) {
                assertThat(first.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
                assertThat(second.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
                assertThat(client.metrics().acknowledged()).isEqualTo(2);
            }
        }
    }

    @Test
    void verifiesThatUnderDropOldestTheDroppedPublishesFailWithDroppedAndBufferFullSaysHowMany() throws Exception {
        Events events = new Events();
        try (OfflineStore store = OfflineStore.open(dir.resolve("dropping.db"),
                new StoreLimits(2, 1 << 20, Duration.ofDays(1), FullPolicy.DROP_OLDEST));
             DeviceClient client = connect("dropping-1", store, events)) {
            CompletableFuture<PublishAck> oldest = client.publish("telemetry.line1.dropping-1.t", "{\"value\":1}");
            CompletableFuture<PublishAck> second = client.publish("telemetry.line1.dropping-1.t", "{\"value\":2}");
            CompletableFuture<PublishAck> third = client.publish("telemetry.line1.dropping-1.t", "{\"value\":3}");

            assertThat(failureCode(oldest)).isEqualTo(DeviceException.DROPPED);
            assertThat(events.seen).anyMatch(s -> s.startsWith("BUFFER_FULL") && s.contains("dropped the 1 oldest"));
            ClientMetrics metrics = client.metrics();
            assertThat(metrics.dropped()).isEqualTo(1);
            assertThat(metrics.published()).isEqualTo(3);
            assertThat(metrics.queued()).isEqualTo(2);
            assertThat(metrics.bufferFullRefusals()).isZero();

            try (AutoCloseable up = gatewayUp()) {
                assertThat(second.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
                assertThat(third.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
                Map<String, Integer> stored = StoredMessages.correlationIdCounts(nats.observer(),
                        "telemetry.line1.dropping-1.>");
                assertThat(stored).hasSize(2).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            }
        }
    }
}
