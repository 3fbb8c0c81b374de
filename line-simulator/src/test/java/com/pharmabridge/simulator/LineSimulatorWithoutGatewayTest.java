package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The simulator's life cycle when nothing answers: it keeps trying, sends nothing, and stops cleanly. */
class LineSimulatorWithoutGatewayTest {
    @Test
    void withNoGatewayNothingIsAcknowledgedAndCloseReturnsPromptly(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free again once closed: connections are refused
        }
        LineDescription line = LineDescription.standard("chicago", 1, 1, 1);
        Map<String, String> tokens = new HashMap<>();
        line.deviceIds().forEach(id -> tokens.put(id, "t"));
        LineSimulator simulator = LineSimulator.start(URI.create("ws://127.0.0.1:" + port + "/ws"), line, tokens,
                data);
        // Simulated time waits for the devices to log in; meanwhile nothing connects, nothing is acknowledged.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> {
            LineSimulator.Totals totals = simulator.totals();
            return totals.connected() == 0 && totals.acknowledged() == 0 && totals.batchesStarted() == 0;
        });
        assertThat(simulator.totals().devices()).isEqualTo(5);

        long started = System.nanoTime();
        simulator.close();
        simulator.close(); // idempotent
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        assertThat(simulator.awaitFinished(Duration.ofSeconds(1))).isTrue();
        // Each device opened its offline store in the data directory.
        assertThat(data.resolve("offline").resolve("cartoner-line1-01.db")).exists();
    }
}
