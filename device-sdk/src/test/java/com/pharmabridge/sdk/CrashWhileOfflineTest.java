package com.pharmabridge.sdk;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreLimits;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SDK's promise under the worst case: the machine's process is killed (SIGKILL) while it holds readings the
 * gateway never acknowledged, because the gateway was down. After a restart every reading it had queued is in
 * JetStream exactly once, in the order it was taken.
 */
class CrashWhileOfflineTest {
    private static final int QUEUED_BEFORE_KILL = 150;

    @Test
    void readingsQueuedWhileTheGatewayWasDownSurviveAKillAndArriveOnceInOrder(@TempDir Path dir) throws Exception {
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = new GatewayFixture(nats.url()).device("sealer-1", "sealer", "line1").start()) {
            int port = gateway.port();
            gateway.server().close(); // the gateway is down from here on
            Path store = dir.resolve("sealer-1.db");

            Process machine = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SdkPublisherMain.class.getName(),
                    gateway.wsUri().toString(), "sealer-1", gateway.token("sealer-1"), store.toString(), "100000")
                    .redirectError(dir.resolve("machine.err").toFile()).start();
            List<Integer> queued = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(machine.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (queued.size() < QUEUED_BEFORE_KILL && (line = out.readLine()) != null) {
                queued.add(Integer.parseInt(line.substring("queued ".length())));
            }
            machine.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no flush, nothing graceful
            machine.waitFor();
            while ((line = out.readLine()) != null) {
                queued.add(Integer.parseInt(line.substring("queued ".length()))); // printed just before the kill
            }
            assertThat(queued).hasSizeGreaterThanOrEqualTo(QUEUED_BEFORE_KILL);

            gateway.startOnPort(port);
            try (OfflineStore reopened = OfflineStore.open(store, StoreLimits.defaults());
                 DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway.wsUri())
                         .deviceId("sealer-1").token(gateway.token("sealer-1")).journal(new StoreJournal(reopened))
                         .build())) {
                assertThat(reopened.count()).as("the kill lost nothing that was queued").isGreaterThanOrEqualTo(queued.size());
                await().atMost(Duration.ofSeconds(30)).until(() -> reopened.count() == 0);
            }

            List<Integer> stored = storedValues(nats);
            assertThat(stored).as("each queued reading stored once").doesNotHaveDuplicates().containsAll(queued);
            assertThat(stored).as("in the order taken").isSorted();
            System.out.printf("CRASH sdk-sigkill: %d readings queued (printed) before the kill, %d in JetStream after the"
                    + " restart, each once, in order%n", queued.size(), stored.size());
        }
    }

    private static List<Integer> storedValues(NatsFixture nats) throws Exception {
        JetStreamSubscription sub = nats.observer().jetStream().subscribe("telemetry.>", PullSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All)
                        .ackPolicy(AckPolicy.None).build()).build());
        List<Integer> values = new ArrayList<>();
        List<Message> batch;
        while (!(batch = sub.fetch(1000, Duration.ofSeconds(1))).isEmpty()) {
            for (Message m : batch) {
                String data = new String(m.getData(), StandardCharsets.UTF_8);
                values.add(Integer.parseInt(data.replaceAll("[^0-9]", "")));
            }
        }
        return values;
    }
}
