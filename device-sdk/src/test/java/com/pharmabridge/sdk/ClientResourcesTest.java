package com.pharmabridge.sdk;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Many clients on one set of shared threads, against a real gateway. */
class ClientResourcesTest {
    private static final int CLIENTS = 20;
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url());
        for (int i = 0; i < CLIENTS; i++) {
            gateway.device("res-" + i, "sealer", "line1");
        }
        gateway.device("res-late", "sealer", "line1");
        gateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    /** Notes the names of the threads on which each client's AUTHENTICATED event arrived. */
    private static final class ThreadNames implements ConnectionListener {
        final Set<String> authenticatedOn = ConcurrentHashMap.newKeySet();

        @Override
        public void onEvent(Event event, String detail) {
            if (event == Event.AUTHENTICATED) {
                authenticatedOn.add(Thread.currentThread().getName());
            }
        }
    }

    private static DeviceClient connect(String deviceId, ClientResources resources, ConnectionListener listener) {
        return DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway.wsUri()).deviceId(deviceId)
                .token(gateway.token(deviceId)).resources(resources).listener(listener).build());
    }

    /** Connects {@link #CLIENTS} clients, waits until each is authenticated and has one publish acknowledged. */
    private static List<DeviceClient> connectAndPublish(ClientResources resources, ConnectionListener listener)
            throws Exception {
        List<DeviceClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connect("res-" + i, resources, listener));
        }
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            assertThat(clients.get(i).awaitAuthenticated(Duration.ofSeconds(15))).as("res-" + i).isTrue();
            acks.add(clients.get(i).publish("telemetry.line1.res-" + i + ".t", "{\"value\":" + i + "}"));
        }
        for (CompletableFuture<PublishAck> ack : acks) {
            assertThat(ack.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
        }
        return clients;
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void verifiesThatTwentyClientsSharingResourcesUseAConstantNumberOfThreadsAndOwnResourcesDoNot()
            throws Exception {
        // Warm-up: the in-process gateway's own pools grow with the first connections; that is not the SDK's doing.
        try (ClientResources warmUp = ClientResources.create("warm-up", 1)) {
            connectAndPublish(warmUp, null).forEach(DeviceClient::close);
        }

        int before = liveThreads();
        ThreadNames names = new ThreadNames();
        try (ClientResources shared = ClientResources.create("line-sim", 2)) {
            List<DeviceClient> clients = connectAndPublish(shared, names);
            int grown = liveThreads() - before;
            // 2 scheduler threads, one HTTP client selector, at most DEFAULT_IO_THREADS_MAX I/O threads, a little slack.
            assertThat(grown).as("threads added for %d clients sharing resources", CLIENTS)
                    .isLessThanOrEqualTo(2 + 1 + ClientResources.DEFAULT_IO_THREADS_MAX + 2);
            System.out.printf("THREADS %d clients sharing ClientResources: %d threads added%n", CLIENTS, grown);
            assertThat(threadsNamed("line-sim-scheduler-")).isBetween(1L, 2L);
            assertThat(names.authenticatedOn).isNotEmpty().allMatch(n -> n.startsWith("line-sim-"));
            assertThat(shared.openClients()).isEqualTo(CLIENTS);
            clients.forEach(DeviceClient::close);
            assertThat(shared.openClients()).isZero();
        }

        // The same without sharing: each client has a scheduler thread (and an HTTP client) of its own ...
        int beforeOwn = liveThreads();
        List<DeviceClient> own = connectAndPublish(null, null);
        System.out.printf("THREADS %d clients with their own resources: %d threads added%n", CLIENTS,
                liveThreads() - beforeOwn);
        assertThat(liveThreads() - beforeOwn).as("threads added for %d clients with their own resources", CLIENTS)
                .isGreaterThanOrEqualTo(CLIENTS);
        assertThat(threadsNamed("device-client-res-")).isEqualTo(CLIENTS);
        // ... and shuts it down when it closes.
        own.forEach(DeviceClient::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("device-client-res-") == 0);
    }

    @Test
    void verifiesThatClosingAClientLeavesTheSharedResourcesWorkingAndClosingThemClosesTheRest() throws Exception {
        RecordingListener lastListener = new RecordingListener();
        ClientResources shared = ClientResources.create("share-test", 1);
        try {
            DeviceClient first = connect("res-0", shared, null);
            DeviceClient second = connect("res-1", shared, lastListener);
            assertThat(first.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            assertThat(second.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            first.close();
            assertThat(shared.isClosed()).isFalse();
            assertThat(second.publish("telemetry.line1.res-1.t", "{\"value\":1}").get(10, TimeUnit.SECONDS).stream())
                    .isEqualTo("TELEMETRY");
            try (DeviceClient late = connect("res-late", shared, null)) {
                assertThat(late.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
                assertThat(late.publish("telemetry.line1.res-late.t", "{\"value\":2}").get(10, TimeUnit.SECONDS)
                        .stream()).isEqualTo("TELEMETRY");
            }
            assertThat(shared.openClients()).isEqualTo(1);
        } finally {
            shared.close();
        }
        assertThat(lastListener.events).contains(ConnectionListener.Event.CLOSED);
        assertThat(shared.openClients()).isZero();
        assertThat(threadsNamed("share-test-scheduler-")).isLessThanOrEqualTo(1); // shutting down
        await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("share-test-scheduler-") == 0);
        assertThatThrownBy(() -> connect("res-late", shared, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        shared.close(); // idempotent
    }

    @Test
    void verifiesThatResourcesAreValidated() {
        assertThatThrownBy(() -> ClientResources.create(" ", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namePrefix");
        assertThatThrownBy(() -> ClientResources.create("x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schedulerThreads");
    }
}
